import NIOCore
import NIOHTTP1

/// The last handler of a pooled channel (after NIO's HTTP/1.1 client codec): writes one exchange's request,
/// collects its answer up to the exchange's cap, then hands the channel back to its pool when the answer allows
/// keep-alive. A channel that failed, timed out, answered a 5xx, was told `Connection: close` or answered out of
/// turn is closed, never reused. Touched only on its channel's event loop.
final class WholeAnswerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// Where the channel goes back after a clean answer (set when the pool adopts the channel).
    var pool: WholeAnswerPool?
    /// When the channel last went idle.
    var idleSince = NIODeadline.uptimeNanoseconds(0)
    /// True once the channel carried an exchange.
    private var used = false
    /// True when the exchange in flight came to an already used channel (which the server may have closed meanwhile).
    private var onReusedChannel = false
    private var context: ChannelHandlerContext?
    private var exchange: WholeAnswerExchange?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?
    private var open = true

    /// True while the channel is open and carries nothing.
    var isIdleAndOpen: Bool {
        open && exchange == nil && context?.channel.isActive == true
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes the exchange's request; its answer (or failure) completes it.
    func send(_ exchange: WholeAnswerExchange) {
        guard let context, open else {
            exchange.finish(.failure(TransportFailure(error: Self.closedError, sentNothing: false)))
            return
        }
        onReusedChannel = used
        used = true
        self.exchange = exchange
        exchange.handler = self
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if let body = exchange.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange else {
            // Bytes nobody asked for: the connection's framing can no longer be trusted.
            drop()
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let length = head.headers.first(name: "content-length").flatMap({ Int($0) }), length > exchange.maxBodyBytes {
                fail(Self.tooLargeError)
                return
            }
            self.head = head
        case .body(var part):
            guard (body?.readableBytes ?? 0) + part.readableBytes <= exchange.maxBodyBytes else {
                fail(Self.tooLargeError)
                return
            }
            if body == nil {
                body = part
            } else {
                body!.writeBuffer(&part)
            }
        case .end:
            guard let head else {
                fail(Self.closedError)
                return
            }
            let answer = WholeAnswer(head: head, body: body ?? ByteBuffer())
            self.exchange = nil
            self.head = nil
            self.body = nil
            let delivered = exchange.finish(.success(answer))
            // A server error may come from a broken connection or proxy on the way: that channel is not kept.
            if delivered, head.isKeepAlive, head.status.code < 500, let pool {
                pool.release(self)
            } else {
                drop()
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        open = false
        pool?.forget(self)
        if let exchange {
            self.exchange = nil
            // A GET on a reused channel that the server closed before answering anything never reached it (or
            // is harmless to repeat): sent once more on a new connection.
            if head == nil, onReusedChannel, !exchange.resent, exchange.head.method == .GET, let pool {
                exchange.resent = true
                exchange.handler = nil
                pool.connect(exchange)
            } else {
                exchange.finish(.failure(TransportFailure(error: Self.closedError, sentNothing: false)))
            }
        }
        head = nil
        body = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The connection closed inside an answer: the decoder says so at EOF, before the channel goes inactive.
        if let parser = error as? HTTPParserError, parser == .invalidEOFState {
            fail(Self.closedError)
        } else {
            fail(HTTPTransport.classify(error))
        }
    }

    /// Fails the exchange in flight, if any, and closes the channel.
    private func fail(_ error: DashScopeError) {
        if let exchange {
            self.exchange = nil
            exchange.finish(.failure(TransportFailure(error: error, sentNothing: false)))
        }
        drop()
    }

    /// Closes the channel without delivering anything (the exchange, if any, is already finished).
    func drop() {
        exchange = nil
        guard open else { return }
        open = false
        pool?.forget(self)
        context?.close(promise: nil)
    }

    /// A channel that closed before the answer ended (what async-http-client's closed-connection error maps to).
    static let closedError = DashScopeError.unreachable("connection to DashScope failed")
    /// The answer passed the bytes the caller accepts.
    static let tooLargeError = HTTPTransport.classify(NIOTooManyBytesError(maxBytes: 0))
}
