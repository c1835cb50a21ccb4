import DashScope
import NIOPosix
import Testing

/// A task that prefers one of the DashScope client's loop executors runs on that event loop, across suspensions.
@Suite struct EventLoopTaskExecutorsTests {
    @Test func aTaskPreferringALoopExecutorRunsOnAnEventLoop() async {
        let executors = EventLoopTaskExecutors()
        let onLoop = await Task(executorPreference: executors.next()) { () async -> [Bool] in
            var seen = [MultiThreadedEventLoopGroup.currentEventLoop != nil]
            await Task.yield()
            seen.append(MultiThreadedEventLoopGroup.currentEventLoop != nil)
            return seen
        }.value
        #expect(onLoop == [true, true])
        let elsewhere = await Task { MultiThreadedEventLoopGroup.currentEventLoop != nil }.value
        #expect(!elsewhere, "without the preference a task runs on the cooperative pool")
    }
}
