import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A loopback upstream on NIO whose every answer is scripted as raw bytes, so a test can send what a well-behaved
/// HTTP server would not (a cut body, a close before answering, silence) and count the connections it was given.
final class ScriptedUpstream: Sendable {
    /// What the upstream does with one request.
    enum Reply: Sendable {
        /// Writes these bytes (a whole HTTP answer, or part of one); closes the connection after them when asked.
        case bytes(String, thenClose: Bool = false)
        /// Closes the connection without answering.
        case close
        /// Never answers.
        case silence
    }

    /// One request as received.
    struct Received: Sendable {
        /// Which connection it came on (1 for the first accepted).
        let connection: Int
        /// Its head.
        let head: HTTPRequestHead
        /// Its body.
        let body: String
    }

    private let channel: any Channel
    private let state: ScriptedState
    /// The loopback port.
    let port: Int

    /// Starts listening; `script` answers the n-th request (0-based, over all connections); with `tls`, only over TLS.
    init(tls: NIOSSLContext? = nil, _ script: @escaping @Sendable (Int, Received) -> Reply) async throws {
        let state = ScriptedState()
        self.state = state
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = state.lock.withLock { $0.connections += 1; return $0.connections }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    try channel.pipeline.syncOperations.addHandler(ScriptedConnection(number: number, state: state, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// Connections accepted so far.
    var connections: Int { state.lock.withLock { $0.connections } }
    /// Requests received so far, in order.
    var received: [Received] { state.lock.withLock { $0.received } }

    /// Stops listening (open connections stay until their peer closes them).
    func shutdown() async {
        try? await channel.close()
    }
}

/// What a `ScriptedUpstream` has seen, shared with its connections.
private final class ScriptedState: Sendable {
    let lock = Mutex<(connections: Int, received: [ScriptedUpstream.Received])>((0, []))
}

/// One accepted connection of a `ScriptedUpstream`.
private final class ScriptedConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    let number: Int
    let state: ScriptedState
    let script: @Sendable (Int, ScriptedUpstream.Received) -> ScriptedUpstream.Reply
    private var head: HTTPRequestHead?
    private var body = ""

    init(
        number: Int, state: ScriptedState,
        script: @escaping @Sendable (Int, ScriptedUpstream.Received) -> ScriptedUpstream.Reply
    ) {
        self.number = number
        self.state = state
        self.script = script
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = ""
        case .body(let part):
            body += String(buffer: part)
        case .end:
            guard let head else { return }
            let received = ScriptedUpstream.Received(connection: number, head: head, body: body)
            let index = state.lock.withLock { state in
                state.received.append(received)
                return state.received.count - 1
            }
            switch script(index, received) {
            case .bytes(let text, let thenClose):
                let written = context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)))
                if thenClose {
                    let context = NIOLoopBound(context, eventLoop: context.eventLoop)
                    written.whenComplete { _ in context.value.close(promise: nil) }
                }
            case .close:
                context.close(promise: nil)
            case .silence:
                break
            }
        }
    }
}
