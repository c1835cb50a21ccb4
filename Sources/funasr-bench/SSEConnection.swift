import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Where one stream is opened and with what request.
struct StreamTarget: Sendable {
    var host: String
    var port: Int
    var path: String
    var body: [UInt8]
    var headers: [(String, String)]
}

/// Counters every stream of a run updates; read by the sampler to tell the phases apart.
final class StreamProgress: Sendable {
    /// Streams whose connect finished (established or failed).
    let connected = Atomic<Int>(0)
    /// Streams whose response head arrived.
    let opened = Atomic<Int>(0)
    /// Result events received over all streams.
    let events = Atomic<Int>(0)
    /// Streams that ended (either way).
    let ended = Atomic<Int>(0)
}

/// One SSE request on its own connection: sends the request, feeds every body chunk to a
/// `StreamCheck` stamped with its arrival time on the event loop, completes at the end.
final class SSEStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var check: StreamCheck
    private let target: StreamTarget
    private let progress: StreamProgress
    private let promise: EventLoopPromise<StreamCheck>
    private var done = false

    init(target: StreamTarget, check: StreamCheck, progress: StreamProgress, promise: EventLoopPromise<StreamCheck>) {
        self.target = target
        self.check = check
        self.progress = progress
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target.path)
        head.headers.add(name: "Host", value: "\(target.host):\(target.port)")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Accept", value: "text/event-stream")
        head.headers.add(name: "Content-Length", value: String(target.body.count))
        for (name, value) in target.headers { head.headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: target.body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.status.code != 200 { check.problem("HTTP \(head.status.code)") }
            progress.opened.add(1, ordering: .relaxed)
        case .body(let buffer):
            let arrival = Monotonic.nanos()
            let count = check.feed(buffer.readableBytesView, arrival: arrival)
            if count > 0 { progress.events.add(count, ordering: .relaxed) }
        case .end:
            complete()
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if !done { check.problem("connection error: \(error)") }
        complete()
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { check.problem("connection closed before the end of the stream") }
        complete()
        context.fireChannelInactive()
    }

    private func complete() {
        guard !done else { return }
        done = true
        check.finish()
        progress.ended.add(1, ordering: .relaxed)
        promise.succeed(check)
    }
}

/// Opens streams on a shared event loop group.
struct SSEConnector: Sendable {
    let group: MultiThreadedEventLoopGroup
    let progress: StreamProgress

    /// Opens one stream and waits for its end; a failed connect is reported as a problem.
    func run(_ target: StreamTarget, expected: Int, expectsDone: Bool) async -> StreamCheck {
        let loop = group.next()
        let promise = loop.makePromise(of: StreamCheck.self)
        let check = StreamCheck(expected: expected, expectsDone: expectsDone)
        let progress = self.progress
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        SSEStreamHandler(target: target, check: check, progress: progress, promise: promise))
                }
            }
        do {
            _ = try await bootstrap.connect(host: target.host, port: target.port).get()
            progress.connected.add(1, ordering: .relaxed)
        } catch {
            progress.connected.add(1, ordering: .relaxed)
            var failed = check
            failed.problem("connect failed: \(error)")
            failed.finish()
            promise.succeed(failed)
            progress.ended.add(1, ordering: .relaxed)
            return failed
        }
        return (try? await promise.futureResult.get()) ?? check
    }
}
