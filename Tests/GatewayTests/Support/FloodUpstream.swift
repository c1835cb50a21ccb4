import MicroHTTPServer
import NIOCore
import NIOPosix
import Synchronization

/// An upstream that streams SSE events as fast as it may, counting the bytes its writer accepted.
///
/// Its producer runs on a thread of its own, not on the cooperative pool the gateway under test shares: like the
/// real DashScope, it keeps sending while other tests keep the pool busy (on the pool, a busy pool made this
/// "DashScope" silent and the gateway rightly cut it).
final class FloodUpstream: HTTPHandler {
    let written = Mutex(0)
    let finished = Mutex(false)
    /// True once the producer returned, finished or because its client (the gateway) went away.
    let ended = Mutex(false)
    let events: Int
    let eventBytes: Int

    init(events: Int, eventBytes: Int) {
        self.events = events
        self.eventBytes = eventBytes
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 20 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse { HTTPResponse(status: 413) }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let padding = String(repeating: "x", count: max(0, eventBytes - 80))
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream"], body: .stream { [self] writer in
            await withTaskExecutorPreference(OwnThreadExecutor.shared) { await produce(writer, padding: padding) }
        })
    }

    private func produce(_ writer: ResponseBodyWriter, padding: String) async {
        defer { ended.withLock { $0 = true } }
        for index in 1...events {
            let block = "id:\(index)\nevent:result\n:HTTP_STATUS/200\ndata:{\"output\":{\"text\":\"\(padding)\"}}\n\n"
            do { try await writer.write(block) } catch { return }
            written.withLock { $0 += block.utf8.count }
        }
        finished.withLock { $0 = true }
    }

    /// Starts a server for this handler on a free loopback port.
    func start() throws -> MicroHTTPServer {
        let server = MicroHTTPServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), handler: self)
        try server.start()
        return server
    }
}

/// Runs task jobs on one event loop thread of its own (test doubles that must not wait for the cooperative pool).
final class OwnThreadExecutor: TaskExecutor {
    static let shared = OwnThreadExecutor(loop: MultiThreadedEventLoopGroup(numberOfThreads: 1).next())

    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
