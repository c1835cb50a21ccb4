import DashScope
import FoundationEssentials
import Synchronization

// Ready means: the configuration was valid (the gateway would not exist otherwise) and DashScope answered a cheap
// authenticated call (`GET /api/v1/tasks?page_no=1&page_size=1`) within the deadline with the key accepted.
// 2xx and 429 (throttled: reachable, key accepted) are ready. 401/403 are NOT ready: every real request would fail
// the same way, so the orchestrator should know. Any other answer, a timeout or a connection failure is not ready.
// The result is cached for `cacheTTL`; concurrent probes share one upstream call.

/// Decides whether the gateway is ready to serve, with a short upstream check cached for a few seconds.
final class ReadinessProbe: Sendable {
    /// One check's outcome.
    struct Outcome: Sendable {
        var ready: Bool
        var reason: String?
        var httpStatus: Int?
        var code: String?
        var latency: Duration
        var checkedAt: ContinuousClock.Instant
        var checkedAtMilliseconds: Int64
    }

    private struct State {
        var cached: Outcome?
        var inFlight: Task<Outcome, Never>?
    }

    private let client: DashScopeClient
    private let timeout: Duration
    private let cacheTTL: Duration
    private let metrics: GatewayMetrics
    private let state = Mutex(State())

    init(client: DashScopeClient, timeout: Duration, cacheTTL: Duration, metrics: GatewayMetrics) {
        self.client = client
        self.timeout = timeout
        self.cacheTTL = cacheTTL
        self.metrics = metrics
    }

    /// The cached outcome while it is fresh, else a new check (shared with concurrent callers).
    func check() async -> (outcome: Outcome, cached: Bool) {
        let now = ContinuousClock.now
        let cached: Outcome? = state.withLock { state in
            if let cached = state.cached, now - cached.checkedAt < cacheTTL { return cached }
            return nil
        }
        if let cached { return (cached, true) }
        let pending = state.withLock { state in
            if let running = state.inFlight { return running }
            let task = Task { [self] in
                let outcome = await probe()
                self.state.withLock { fresh in
                    fresh.cached = outcome
                    fresh.inFlight = nil
                }
                metrics.upstreamReady(outcome.ready)
                return outcome
            }
            state.inFlight = task
            return task
        }
        return (await pending.value, false)
    }

    private func probe() async -> Outcome {
        let started = ContinuousClock.now
        let request = UpstreamRequest(
            method: "GET", path: DashScopePaths.tasks, query: [("page_no", "1"), ("page_size", "1")],
            headers: [("X-Request-Id", "readyz-\(UUID().uuidString.lowercased())")])
        let client = self.client
        let timeout = self.timeout
        let answer: Result<UpstreamResponse, DashScopeError>? = await withTaskGroup(
            of: Result<UpstreamResponse, DashScopeError>?.self
        ) { group in
            group.addTask {
                do throws(DashScopeError) {
                    guard case .whole(let response) = try await client.forward(request, CallContext(), retrying: false) else {
                        return .failure(.invalidResponse("DashScope answered the task list with an event stream"))
                    }
                    return .success(response)
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let latency = ContinuousClock.now - started
        var outcome = Self.judge(answer, timeout: timeout)
        outcome.latency = latency
        return outcome
    }

    /// Turns an upstream answer (nil: the deadline passed first) into an outcome.
    static func judge(_ answer: Result<UpstreamResponse, DashScopeError>?, timeout: Duration) -> Outcome {
        var outcome = Outcome(
            ready: false, latency: .zero, checkedAt: .now,
            checkedAtMilliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
        switch answer {
        case nil:
            outcome.reason = "DashScope did not answer within \(ConfigurationReport.seconds(timeout))"
        case .failure(let error):
            outcome.reason = describe(error)
        case .success(let response):
            outcome.httpStatus = response.status
            if response.isSuccess || response.status == 429 {
                outcome.ready = true
            } else if let error = response.error {
                if case .api(let answer) = error { outcome.code = answer.code }
                let prefix = response.status == 401 || response.status == 403
                    ? "DashScope rejected the gateway's API key" : "DashScope answered an error"
                outcome.reason = "\(prefix): \(describe(error))"
            }
        }
        return outcome
    }

    private static func describe(_ error: DashScopeError) -> String {
        switch error {
        case .api(let answer):
            return answer.message.isEmpty
                ? "HTTP \(answer.status) \(answer.code)" : "HTTP \(answer.status) \(answer.code): \(answer.message)"
        case .unreachable(let detail):
            return "DashScope could not be reached: \(detail)"
        case .timeout, .idleTimeout:
            return "DashScope did not answer in time"
        case .invalidResponse(let detail):
            return "the upstream did not answer like DashScope: \(detail)"
        case .cancelled:
            return "the readiness check was cancelled"
        default:
            return GatewayError.upstream(error).message
        }
    }
}
