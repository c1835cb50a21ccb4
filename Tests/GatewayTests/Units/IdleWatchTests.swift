@testable import DashScope
import NIOPosix
import Synchronization
import Testing

/// The upstream idle deadline without a timer task per read: one scheduled callback cancels the reading task once
/// a read has waited the whole idle time and the pool has confirmed it still waits; reads that return in time, or
/// whose answer arrived while the pool was too busy to resume them, are never cut.
@Suite struct IdleWatchTests {
    /// Waits in `watch` like a read DashScope never answers; true when the watch cut it.
    private static func silentRead(_ watch: IdleWatch) async -> (cut: Bool, cancelled: Bool) {
        let reader = withUnsafeCurrentTask { $0.map(IdleWatch.Reader.init) }
        guard watch.begin(reader) else { return (true, false) }
        // Stands for an upstream read that never returns on its own: only the watch can end it.
        let cancelled = (try? await Task.sleep(for: .seconds(60))) == nil
        return (watch.end(), cancelled)
    }

    @Test func aReadThatWaitsTheWholeIdleTimeIsCancelledAndReportedAsATimeout() async throws {
        let watch = IdleWatch(idle: .milliseconds(50), loop: MultiThreadedEventLoopGroup.singleton.next())
        let started = ContinuousClock.now
        let result = await Task { await Self.silentRead(watch) }.value
        #expect(result.cut)
        #expect(result.cancelled)
        #expect(started.duration(to: .now) < .seconds(30))
        // A body that timed out stays timed out: the next read does not start.
        #expect(!watch.begin(nil))
        watch.close()
    }

    @Test func readsThatReturnInTimeAreNotCutAndTheDeadlineCountsFromTheLastReadStart() async throws {
        let watch = IdleWatch(idle: .milliseconds(200), loop: MultiThreadedEventLoopGroup.singleton.next())
        for _ in 0..<3 {
            #expect(watch.begin(nil))
            #expect(!watch.end())
        }
        let result = await Task { await Self.silentRead(watch) }.value
        #expect(result.cut)
        #expect(result.cancelled)
        watch.close()
    }

    @Test func aClosedWatchNeverCutsALaterWait() async throws {
        let watch = IdleWatch(idle: .milliseconds(20), loop: MultiThreadedEventLoopGroup.singleton.next())
        #expect(watch.begin(nil))
        #expect(!watch.end())
        watch.close()
        #expect(!watch.begin(nil))
    }

    @Test func aReadWhoseAnswerArrivedBeforeThePoolConfirmedTheDeadlineIsNotCut() async throws {
        let pool = HeldConfirmations()
        let watch = IdleWatch(idle: .milliseconds(30), loop: MultiThreadedEventLoopGroup.singleton.next(),
                              confirmOnPool: { _, job in pool.hold(job) })
        // The read's bytes arrive but the busy pool resumes it only after the countdown found it waiting.
        #expect(watch.begin(nil))
        let late = await pool.next()
        #expect(!watch.end())
        late()
        try #require(watch.begin(nil), "the late confirmation cut a read that had returned")
        #expect(!watch.end())
        // The watch still counts: a read that really waits is cut once its confirmation runs.
        let silent = Task { await Self.silentRead(watch) }
        let confirmation = await pool.next()
        confirmation()
        let result = await silent.value
        #expect(result.cut)
        #expect(result.cancelled)
        watch.close()
    }
}

/// Confirmations the watch queued for the pool, run when the test says (a pool that is busy until then).
private final class HeldConfirmations: Sendable {
    typealias Job = @Sendable () -> Void
    private struct State {
        var jobs: [Job] = []
        var waiter: CheckedContinuation<Job, Never>?
    }

    private let state = Mutex(State())

    func hold(_ job: @escaping Job) {
        let waiter: CheckedContinuation<Job, Never>? = state.withLock { s in
            if let waiter = s.waiter {
                s.waiter = nil
                return waiter
            }
            s.jobs.append(job)
            return nil
        }
        waiter?.resume(returning: job)
    }

    /// The next confirmation the watch queued.
    func next() async -> Job {
        await withCheckedContinuation { (continuation: CheckedContinuation<Job, Never>) in
            let ready: Job? = state.withLock { s in
                if !s.jobs.isEmpty { return s.jobs.removeFirst() }
                s.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
