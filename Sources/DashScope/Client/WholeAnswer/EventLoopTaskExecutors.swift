import NIOCore
import NIOPosix
import Synchronization

/// Task executors on the event loops the whole-answer calls run on. A request's task that prefers one runs its
/// code on that loop, so its call to DashScope is queued, answered and resumed there: no hop to the cooperative
/// pool and back around the exchange. Only for work that never blocks (it would stall the loop's sockets).
public final class EventLoopTaskExecutors: Sendable {
    private let executors: [EventLoopTaskExecutor]
    private let nextIndex = Atomic<UInt>(0)

    /// One executor per loop of `group`.
    public init(group: MultiThreadedEventLoopGroup = .singleton) {
        self.executors = group.makeIterator().map(EventLoopTaskExecutor.init(loop:))
    }

    /// The next loop's executor, round robin.
    public func next() -> any TaskExecutor {
        let index = Int(nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(executors.count))
        return executors[index]
    }
}

/// One event loop as a task executor: each job of a task that prefers it runs on the loop's thread.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
