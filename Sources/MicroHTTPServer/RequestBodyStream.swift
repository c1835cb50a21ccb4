import Synchronization

/// Why a streamed request body ended before its last byte.
public enum RequestBodyError: Error, Sendable, Equatable {
    /// The body passed the route's cap (`limit` bytes); what follows is read and dropped, then the handler answers.
    case tooLarge(limit: Int)
    /// The client hung up (or the server is stopping) before the body was complete.
    case clientDisconnected
}

/// A request body delivered as it arrives, in the pieces libmicrohttpd reads (a few KiB each), with back-pressure.
///
/// Given to a handler as `HTTPRequest.bodyStream` when its head-time decision was `HeadDecision.stream`; the
/// handler runs while the body is still arriving. When more than `window` bytes wait unread, the connection is
/// suspended until the reader has taken half of them, so a slow reader holds a bounded amount of memory. One
/// reader at a time; iterate it once. It ends with `RequestBodyError` when the body passes the route's cap or the
/// client leaves; a handler that returns without reading to the end makes the server drop the rest.
public final class RequestBodyStream: AsyncSequence, Sendable {
    /// A piece of the body.
    public typealias Element = [UInt8]

    private struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var buffered = 0
        var received = 0
        var ended = false
        var failure: RequestBodyError?
        /// The reader returned or was cancelled: pieces are dropped from now on.
        var readerGone = false
        var waiting: CheckedContinuation<[UInt8]?, Error>?
        var producerSuspended = false
        var suspensions = 0
        var peakBuffered = 0
    }

    /// Unread bytes past which the server suspends a connection (256 KiB).
    static let defaultWindow = 256 << 10
    /// What libmicrohttpd may hand over beyond the window before the suspension takes hold (its read buffer).
    static let overshoot = 64 << 10

    /// The length the client declared in `Content-Length`, or nil for a chunked body.
    public let declaredLength: Int?
    /// Unread bytes past which the connection is suspended.
    public let window: Int
    private let state = Mutex(State())
    private let suspend: @Sendable () -> Void
    private let wake: @Sendable () -> Void

    /// Creates a stream; `suspend` parks the connection and `wake` resumes it, both called under the stream's lock
    /// so a wake can never overtake the suspend it answers.
    init(
        declaredLength: Int?, window: Int = defaultWindow,
        suspend: @escaping @Sendable () -> Void, wake: @escaping @Sendable () -> Void
    ) {
        self.declaredLength = declaredLength
        self.window = Swift.max(1, window)
        self.suspend = suspend
        self.wake = wake
    }

    /// Bytes received from the client so far.
    public var receivedBytes: Int { state.withLock { $0.received } }
    /// How often the connection was suspended because the reader was behind.
    public var suspensions: Int { state.withLock { $0.suspensions } }
    /// The most bytes that waited unread at once.
    public var peakBufferedBytes: Int { state.withLock { $0.peakBuffered } }

    /// True while the connection is suspended because the reader is behind.
    var isProducerSuspended: Bool { state.withLock { $0.producerSuspended } }

    // MARK: Producer side (the libmicrohttpd thread)

    /// Queues a piece read from the client; suspends the connection when the reader is more than `window` behind.
    func offer(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let handOff: (CheckedContinuation<[UInt8]?, Error>)? = state.withLock { s in
            s.received += bytes.count
            guard !s.ended, s.failure == nil, !s.readerGone else { return nil }
            if let waiting = s.waiting {
                s.waiting = nil
                return waiting
            }
            s.chunks.append(bytes)
            s.buffered += bytes.count
            s.peakBuffered = Swift.max(s.peakBuffered, s.buffered)
            if s.buffered > window, !s.producerSuspended {
                s.producerSuspended = true
                s.suspensions += 1
                suspend()
            }
            return nil
        }
        handOff?.resume(returning: bytes)
    }

    /// The whole body arrived: the reader gets what is queued, then the end.
    func finish() {
        end { $0.ended = true }
    }

    /// The body cannot complete: the reader gets what is queued, then `error`.
    func fail(_ error: RequestBodyError) {
        end { if !$0.ended, $0.failure == nil { $0.failure = error } }
    }

    private func end(_ mark: (inout State) -> Void) {
        let waiting: CheckedContinuation<[UInt8]?, Error>? = state.withLock { s in
            mark(&s)
            defer { s.waiting = nil }
            return s.waiting
        }
        guard let waiting else { return }
        if let failure = state.withLock({ $0.failure }) {
            waiting.resume(throwing: failure)
        } else {
            waiting.resume(returning: nil)
        }
    }

    /// The reader is done (its handler returned or was cancelled): queued pieces are dropped, later ones too, and a
    /// suspended connection resumes so the rest of the body can be read and dropped.
    func readerFinished() {
        let waiting: CheckedContinuation<[UInt8]?, Error>? = state.withLock { s in
            s.readerGone = true
            s.chunks = []
            s.head = 0
            s.buffered = 0
            if s.producerSuspended {
                s.producerSuspended = false
                wake()
            }
            defer { s.waiting = nil }
            return s.waiting
        }
        waiting?.resume(throwing: RequestBodyError.clientDisconnected)
    }

    /// The final call takes over a suspension made for the reader (so it neither suspends twice nor is woken by
    /// the reader); true when the connection was suspended.
    func takeOverSuspension() -> Bool {
        state.withLock { s in
            defer { s.producerSuspended = false }
            return s.producerSuspended
        }
    }

    // MARK: Reader side

    /// The next piece, nil at the end of the body; throws `RequestBodyError`, or it when the task is cancelled.
    func next() async throws -> [UInt8]? {
        enum Immediate { case piece([UInt8]?), failure(any Error), wait }
        let immediate: Immediate = state.withLock { s in
            if s.head < s.chunks.count { return .piece(take(&s)) }
            if let failure = s.failure { return .failure(failure) }
            if s.ended { return .piece(nil) }
            if s.readerGone { return .failure(RequestBodyError.clientDisconnected) }
            return .wait
        }
        switch immediate {
        case .piece(let piece): return piece
        case .failure(let error): throw error
        case .wait: break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, Error>) in
                let now: Result<[UInt8]?, any Error>? = state.withLock { s in
                    if s.head < s.chunks.count { return .success(take(&s)) }
                    if let failure = s.failure { return .failure(failure) }
                    if s.ended { return .success(nil) }
                    if s.readerGone || Task.isCancelled { return .failure(RequestBodyError.clientDisconnected) }
                    s.waiting = continuation
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            readerFinished()
        }
    }

    /// Takes the oldest queued piece; wakes the connection once the reader has caught up to half the window.
    private func take(_ s: inout State) -> [UInt8] {
        let piece = s.chunks[s.head]
        s.chunks[s.head] = []
        s.head += 1
        if s.head == s.chunks.count {
            s.chunks.removeAll(keepingCapacity: true)
            s.head = 0
        } else if s.head >= 64 {
            s.chunks.removeFirst(s.head)
            s.head = 0
        }
        s.buffered -= piece.count
        if s.producerSuspended, s.buffered <= window / 2 {
            s.producerSuspended = false
            wake()
        }
        return piece
    }

    /// Reads the body's pieces in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: RequestBodyStream

        /// The next piece, nil at the end.
        public mutating func next() async throws -> [UInt8]? {
            try await stream.next()
        }
    }

    /// An iterator over the body (iterate once).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }

    /// Every remaining byte in one array, failing with `RequestBodyError.tooLarge` past `limit` bytes (a convenience
    /// for small bodies; large ones should be consumed piece by piece).
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        if let declaredLength, declaredLength <= limit { bytes.reserveCapacity(declaredLength) }
        for try await piece in self {
            guard bytes.count + piece.count <= limit else { throw RequestBodyError.tooLarge(limit: limit) }
            bytes += piece
        }
        return bytes
    }
}
