/// Told about every upstream exchange of one local request (the gateway's trace, access log and metrics).
public protocol UpstreamObserver: Sendable {
    /// DashScope answered after `duration` (for a stream: its head); `requestID` is DashScope's, when known.
    func upstreamAnswered(after duration: Duration, requestID: String?)
    /// A call failed (never called when the client left).
    func upstreamFailed(_ error: DashScopeError)
    /// A failed attempt is about to be tried again.
    func upstreamRetried()
}

/// What each call carries besides its arguments: the gateway's request id (sent as `X-Request-Id`) and who to tell.
public struct CallContext: Sendable {
    /// The local request id DashScope receives as `X-Request-Id`.
    public var requestID: String?
    /// Receives timings, DashScope request ids and failures.
    public var observer: (any UpstreamObserver)?

    /// Creates a context.
    public init(requestID: String? = nil, observer: (any UpstreamObserver)? = nil) {
        self.requestID = requestID
        self.observer = observer
    }

    /// Reports a failure unless the client left; returns the error for `throw`.
    func failed(_ error: DashScopeError) -> DashScopeError {
        if error != .cancelled { observer?.upstreamFailed(error) }
        return error
    }

    /// The request with `X-Request-Id` added.
    func tagged(_ request: UpstreamRequest) -> UpstreamRequest {
        guard let requestID else { return request }
        var request = request
        request.headers.append((name: "X-Request-Id", value: requestID))
        return request
    }
}
