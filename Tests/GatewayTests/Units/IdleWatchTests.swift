@testable import DashScope
import NIOPosix
import Testing

/// The upstream idle deadline without a timer task per read: one scheduled callback cancels the reading task once
/// a read has waited the whole idle time; reads that return in time are never cut.
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
}
