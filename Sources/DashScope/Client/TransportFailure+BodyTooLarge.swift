import NIOCore

extension TransportFailure {
    /// True when the answer's body passed the bytes the caller accepts, so reading stopped there (what
    /// `HTTPTransport.classify` makes of NIO's too-many-bytes error).
    var bodyTooLarge: Bool {
        error == HTTPTransport.classify(NIOTooManyBytesError(maxBytes: 0))
    }
}
