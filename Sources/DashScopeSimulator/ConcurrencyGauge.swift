import Synchronization

/// Requests in flight per endpoint and the most seen at once, for tests that bound the gateway's concurrency.
final class ConcurrencyGauge: Sendable {
    private struct Counts {
        var now = 0
        var peak = 0
    }

    private let counts = Mutex<[SimulatorEndpoint: Counts]>([:])

    /// A request to `endpoint` started.
    func enter(_ endpoint: SimulatorEndpoint) {
        counts.withLock { all in
            var entry = all[endpoint] ?? Counts()
            entry.now += 1
            entry.peak = max(entry.peak, entry.now)
            all[endpoint] = entry
        }
    }

    /// A request to `endpoint` was answered.
    func leave(_ endpoint: SimulatorEndpoint) {
        counts.withLock { $0[endpoint]?.now -= 1 }
    }

    /// The most requests to `endpoint` in flight at once so far.
    func peak(_ endpoint: SimulatorEndpoint) -> Int {
        counts.withLock { $0[endpoint]?.peak ?? 0 }
    }
}
