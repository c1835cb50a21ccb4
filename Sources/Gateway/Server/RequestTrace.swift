import DashScope
import Synchronization

/// Per-request facts gathered while handling, read by the access log and metrics; the DashScope client reports
/// every upstream exchange and failure of the request here.
public final class RequestTrace: UpstreamObserver {
    private struct State {
        var upstream: Duration = .zero
        var upstreamRequestID: String?
    }

    private let state = Mutex(State())
    private let metrics: (any ServerMetrics)?

    /// Creates an empty trace; failures are counted in `metrics` when given.
    init(metrics: (any ServerMetrics)? = nil) {
        self.metrics = metrics
    }

    /// Adds one upstream exchange's time and DashScope's request id.
    public func upstreamAnswered(after duration: Duration, requestID: String?) {
        state.withLock { s in
            s.upstream += duration
            if let requestID { s.upstreamRequestID = requestID }
        }
    }

    /// Counts a failed upstream call by its code.
    public func upstreamFailed(_ error: DashScopeError) {
        metrics?.upstreamError(code: error.code)
    }

    /// Counts a retried upstream attempt.
    public func upstreamRetried() {
        metrics?.retry()
    }

    /// Total time spent waiting on DashScope.
    public var upstreamDuration: Duration { state.withLock { $0.upstream } }
    /// The last DashScope request id seen.
    public var upstreamRequestID: String? { state.withLock { $0.upstreamRequestID } }
}
