import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Opens one channel for the NIO whole-answer path: TCP (TLS with the system trust store for `https`), NIO's
/// HTTP/1.1 response decoder and `WholeAnswerRequestEncoder`, then a `WholeAnswerHandler`.
struct WholeAnswerConnector: Sendable {
    /// The host connected to (an IPv6 address without its brackets).
    let host: String
    /// The port connected to.
    let port: Int
    /// The TLS context for `https`, or the error building it; nil for plain HTTP.
    let tls: Result<NIOSSLContext, any Error>?
    /// Time allowed to open the TCP connection.
    let connectTimeout: TimeAmount

    /// One TLS context for every connection: building one loads the system trust store.
    private static let sharedTLSContext: Result<NIOSSLContext, any Error> = Result {
        try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// Connects to `endpoint`; `tlsConfiguration` replaces the system trust store for `https` (tests trust their own
    /// certificate with it).
    init(endpoint: DashScopeEndpoint, connectTimeout: TimeAmount, tlsConfiguration: TLSConfiguration? = nil) {
        let secure = endpoint.scheme == "https"
        var host = endpoint.host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.port = endpoint.port ?? (secure ? 443 : 80)
        if !secure {
            self.tls = nil
        } else if let tlsConfiguration {
            self.tls = Result { try NIOSSLContext(configuration: tlsConfiguration) }
        } else {
            self.tls = Self.sharedTLSContext
        }
        self.connectTimeout = connectTimeout
    }

    /// Connects on `loop`; the future holds the channel's handler.
    func connect(on loop: any EventLoop) -> EventLoopFuture<WholeAnswerHandler> {
        let tlsContext: NIOSSLContext?
        switch tls {
        case .none: tlsContext = nil
        case .success(let context): tlsContext = context
        case .failure(let error): return loop.makeFailedFuture(error)
        }
        let host = self.host
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        return ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: isAddress ? nil : host))
                    }
                    // NIO's response decoder (it observes each request part to frame answers to HEAD); the request
                    // head is written by this path's own encoder.
                    try pipeline.addHandler(WholeAnswerRequestEncoder())
                    try pipeline.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try pipeline.addHandler(WholeAnswerHandler())
                }
            }
            .connect(host: host, port: port)
            .flatMapThrowing { channel in
                try channel.pipeline.syncOperations.handler(type: WholeAnswerHandler.self)
            }
    }
}
