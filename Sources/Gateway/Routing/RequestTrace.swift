import Synchronization

/// Per-request facts gathered while handling, read by the access log and metrics.
public final class RequestTrace: Sendable {
    private struct State {
        var upstream: Duration = .zero
        var upstreamRequestID: String?
        var upstreamCalls = 0
    }

    private let state = Mutex(State())

    /// Creates an empty trace.
    public init() {}

    /// Adds one upstream exchange's time and request id.
    public func recordUpstream(_ duration: Duration, requestID: String?) {
        state.withLock { s in
            s.upstream += duration
            s.upstreamCalls += 1
            if let requestID { s.upstreamRequestID = requestID }
        }
    }

    /// Total time spent waiting on DashScope.
    public var upstreamDuration: Duration { state.withLock { $0.upstream } }
    /// The last DashScope request id seen.
    public var upstreamRequestID: String? { state.withLock { $0.upstreamRequestID } }
    /// How many upstream exchanges were made.
    public var upstreamCalls: Int { state.withLock { $0.upstreamCalls } }
}
