import Synchronization

/// How long a job whose result documents failed to download waits before the next try: `base`, doubling with each
/// failure in a row, at most `cap`.
public struct DocumentRetrySchedule: Sendable, Equatable {
    /// The wait after the first failure.
    public var base: Duration = .seconds(1)
    /// The longest wait.
    public var cap: Duration = .seconds(300)

    /// The default: 1 s, 2 s, 4 s ... up to 5 minutes.
    public init() {}

    /// A schedule from `base` doubling up to `cap`.
    public init(base: Duration, cap: Duration) {
        self.base = base
        self.cap = cap
    }

    /// The wait in milliseconds after `failures` failures in a row (at least one).
    func delayMilliseconds(afterFailures failures: Int) -> Int64 {
        let wait = min(cap, base * (1 << min(max(failures, 1) - 1, 20)))
        return max(1, Int64(wait / .milliseconds(1)))
    }
}

/// The jobs whose result documents failed to download lately, and when each may be tried again. A task query sees
/// an ended job without its documents on every poll (the background poller's and every client's), and without this a
/// result URL that keeps failing (expired, unreachable) would be downloaded, and warned about, on each of them.
/// Kept in memory only: after a restart the first poll tries again.
final class DocumentRetries: Sendable {
    private struct Failing {
        var failures: Int
        var notBefore: Int64
    }

    let schedule: DocumentRetrySchedule
    /// Most jobs remembered; past it the ones whose wait is over are forgotten first, then new failures go unrecorded.
    let limit: Int
    private let failing = Mutex<[String: Failing]>([:])

    /// Remembers at most `limit` jobs.
    init(schedule: DocumentRetrySchedule, limit: Int = 10_000) {
        self.schedule = schedule
        self.limit = limit
    }

    /// Whether the job's documents may be downloaded at `now` (epoch milliseconds).
    func mayTry(_ id: String, now: Int64) -> Bool {
        failing.withLock { ($0[id]?.notBefore ?? now) <= now }
    }

    /// Records a failed download at `now`; returns the wait in milliseconds before the next try.
    @discardableResult
    func failed(_ id: String, now: Int64) -> Int64 {
        failing.withLock { failing in
            let failures = (failing[id]?.failures ?? 0) + 1
            let delay = schedule.delayMilliseconds(afterFailures: failures)
            if failing[id] == nil, failing.count >= limit {
                failing = failing.filter { $0.value.notBefore > now }
                guard failing.count < limit else { return delay }
            }
            failing[id] = Failing(failures: failures, notBefore: now + delay)
            return delay
        }
    }

    /// Forgets the job's failures (its documents are kept).
    func succeeded(_ id: String) {
        _ = failing.withLock { $0.removeValue(forKey: id) }
    }

    /// The number of jobs remembered (the poller reads this many rows past its batch).
    var count: Int { failing.withLock { $0.count } }
}
