import NIOCore
import NIOWebSocket

/// Turns (already joined) WebSocket frames into `WebSocketInbound` and `WebSocketOutbound` into frames, and does
/// the protocol's own chores: pongs for pings, the close handshake (the peer's close is answered with the same
/// code; ours waits up to a second for the answer), and a close frame for a protocol error — 1009 for a frame or
/// joined message past the size limit, 1002 for anything else the codec refuses.
final class WebSocketMessageHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketInbound
    typealias OutboundIn = WebSocketOutbound
    typealias OutboundOut = WebSocketFrame

    /// Clients mask every frame they send (RFC 6455 §5.3); servers never do.
    private let isClient: Bool
    private var sentClose = false
    private var receivedClose = false

    init(isClient: Bool) {
        self.isClient = isClient
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            context.fireChannelRead(wrapInboundOut(.message(.text(frame.unmaskedData))))
        case .binary:
            context.fireChannelRead(wrapInboundOut(.message(.binary(frame.unmaskedData))))
        case .ping:
            guard !sentClose else { return }
            context.writeAndFlush(wrapOutboundOut(makeFrame(.pong, frame.unmaskedData)), promise: nil)
        case .pong:
            break
        case .connectionClose:
            guard !receivedClose else { return }
            receivedClose = true
            var payload = frame.unmaskedData
            let code = payload.readWebSocketErrorCode()
            let reason = payload.readString(length: payload.readableBytes) ?? ""
            context.fireChannelRead(wrapInboundOut(.close(code: code, reason: reason)))
            if sentClose {
                context.close(promise: nil)
            } else {
                sentClose = true
                var echo = context.channel.allocator.buffer(capacity: 2)
                if let code, Self.maySend(code) { echo.write(webSocketErrorCode: code) }
                context.writeAndFlush(wrapOutboundOut(makeFrame(.connectionClose, echo))).assumeIsolated()
                    .whenComplete { _ in context.close(promise: nil) }
            }
        default:
            sendClose(context: context, code: .protocolError, reason: "unknown opcode")
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .message(let message):
            guard !sentClose else {
                promise?.fail(ChannelError.outputClosed)
                return
            }
            switch message {
            case .text(let bytes): context.write(wrapOutboundOut(makeFrame(.text, bytes)), promise: promise)
            case .binary(let bytes): context.write(wrapOutboundOut(makeFrame(.binary, bytes)), promise: promise)
            }
        case .close(let code, let reason):
            sendClose(context: context, code: code, reason: reason)
            promise?.succeed()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength,
            NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge,
            NIOWebSocketFrameAggregator.Error.tooManyFragments:
            sendClose(context: context, code: .messageTooLarge, reason: "message too large")
        case is NIOWebSocketError, is NIOWebSocketFrameAggregator.Error:
            sendClose(context: context, code: .protocolError, reason: "protocol error")
        default:
            context.close(promise: nil)
        }
        context.fireErrorCaught(error)
    }

    /// Sends one close frame (never two), then closes the channel when the peer's close came already, or after
    /// at most a second otherwise.
    private func sendClose(context: ChannelHandlerContext, code: WebSocketErrorCode, reason: String) {
        guard !sentClose else { return }
        sentClose = true
        var payload = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.write(webSocketErrorCode: Self.maySend(code) ? code : .unexpectedServerError)
        // A control frame carries at most 125 bytes: the code and up to 123 bytes of reason.
        payload.writeBytes(reason.utf8.prefix(123))
        let closeNow = receivedClose
        context.writeAndFlush(wrapOutboundOut(makeFrame(.connectionClose, payload))).assumeIsolated()
            .whenComplete { _ in if closeNow { context.close(promise: nil) } }
        if !closeNow {
            context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { context.close(promise: nil) }
        }
    }

    private func makeFrame(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, maskKey: isClient ? .random() : nil, data: data)
    }

    /// 1005, 1006 and 1015 only describe a close locally; they never travel in a close frame.
    static func maySend(_ code: WebSocketErrorCode) -> Bool {
        let raw = UInt16(webSocketErrorCode: code)
        return raw >= 1000 && raw != 1005 && raw != 1006 && raw != 1015 && raw < 5000
    }
}
