import NIOCore
import NIOHTTP1
import NIOPosix

/// Sends one `GET` on a new connection and reports the status (0 when the connect or request failed).
final class ProbeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let path: String
    private let promise: EventLoopPromise<Int>
    private var status = 0

    init(path: String, promise: EventLoopPromise<Int>) {
        self.path = path
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1")
        head.headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body: break
        case .end:
            promise.succeed(status)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        promise.succeed(0)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(status == 0 ? 0 : status)
    }
}

/// One-shot HTTP GETs on a given event loop group.
struct HealthProbe: Sendable {
    let group: MultiThreadedEventLoopGroup

    /// The status of `GET path` on 127.0.0.1:`port`, or 0 when nothing answered.
    func status(port: Int, path: String) async -> Int {
        let loop = group.next()
        let promise = loop.makePromise(of: Int.self)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(500))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ProbeHandler(path: path, promise: promise))
                }
            }
        do {
            _ = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
        } catch {
            promise.succeed(0)
            return 0
        }
        return (try? await promise.futureResult.get()) ?? 0
    }
}
