import Synchronization

/// The global budget of DashScope task queries: a token bucket (`rate` per second, bursts up to `rate`). A caller
/// that finds the bucket empty reserves the next token and sleeps until it is due, so callers are served in
/// arrival order and the upstream never sees more than `rate` × seconds + burst queries. DashScope's 429 halves
/// the rate (never below `minimumRate`), for as long as its Retry-After says (else 10 s), then the rate recovers.
final class QueryBudget: Sendable {
    private struct State {
        var tokens: Double
        var refilled: ContinuousClock.Instant
        var slowedUntil: ContinuousClock.Instant?
        var slowdown = 1.0
    }

    /// Queries per second when DashScope is not throttling.
    let rate: Double
    /// The slowest the budget goes while throttled.
    let minimumRate = 0.5
    private let state: Mutex<State>

    /// A full bucket of `rate` queries per second.
    init(rate: Double) {
        self.rate = rate
        state = Mutex(State(tokens: rate, refilled: .now))
    }

    /// The rate now (lower while DashScope throttles).
    var currentRate: Double {
        currentRate(at: .now)
    }

    /// The rate at `now` (tests ask about a later instant instead of sleeping).
    func currentRate(at now: ContinuousClock.Instant) -> Double {
        state.withLock { Self.rate(rate, minimum: minimumRate, $0, now: now) }
    }

    /// Waits until a query may be sent; throws only when the waiting task is cancelled.
    func acquire() async throws {
        let wait: Duration = state.withLock { state in
            let now = ContinuousClock.now
            let current = Self.rate(rate, minimum: minimumRate, state, now: now)
            let elapsed = (now - state.refilled) / .seconds(1)
            state.tokens = min(rate, state.tokens + elapsed * current)
            state.refilled = now
            state.tokens -= 1
            return state.tokens >= 0 ? .zero : .seconds(-state.tokens / current)
        }
        if wait > .zero { try await Task.sleep(for: wait) }
    }

    /// DashScope answered 429: slow down for `retryAfter` (10 s when it sent none).
    func throttled(retryAfter: Duration?, at now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            let stillSlowed = state.slowedUntil.map { $0 > now } ?? false
            state.slowdown = stillSlowed ? state.slowdown / 2 : 0.5
            state.slowedUntil = now + (retryAfter ?? .seconds(10))
        }
    }

    private static func rate(_ rate: Double, minimum: Double, _ state: State, now: ContinuousClock.Instant) -> Double {
        guard let until = state.slowedUntil, until > now else { return rate }
        return max(minimum, rate * state.slowdown)
    }
}
