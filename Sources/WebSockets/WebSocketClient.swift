import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// How dialling a WebSocket ended.
public enum WebSocketDialResult: Sendable {
    /// The server switched protocols: the connection is open.
    case upgraded(WebSocketChannel)
    /// The server answered the handshake with this HTTP status instead (401 for a bad key, for example).
    case refused(status: Int)
}

/// Why dialling failed before the server answered the handshake.
public struct WebSocketDialError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without any header value.
    public let description: String
}

/// A WebSocket client on NIO: TCP (TLS with the system trust store for `wss`), NIO's typed HTTP upgrade with
/// `NIOTypedWebSocketClientUpgrader`, then the same codec and message handler as the server side.
public enum WebSocketClient {
    /// One TLS context for every `wss` connection: building one loads the system trust store.
    private static let sharedTLSContext = Result { try NIOSSLContext(configuration: .makeClientConfiguration()) }

    private enum Negotiated: Sendable {
        case upgraded(WebSocketChannel)
        case refused(NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>)
    }

    /// Opens `url` with the extra request `headers`; the whole handshake (connect, TLS, 101) must finish within
    /// `timeout`.
    public static func connect(
        _ url: WebSocketURL, headers: [(name: String, value: String)], limits: WebSocketLimits = WebSocketLimits(),
        timeout: Duration = .seconds(10)
    ) async throws(WebSocketDialError) -> WebSocketDialResult {
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = url.secure ? try sharedTLSContext.get() : nil
        } catch {
            throw WebSocketDialError(description: "cannot set up TLS: \(error)")
        }
        let head = requestHead(url, headers: headers)
        let negotiated: Negotiated
        do {
            let negotiation = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeAmount(timeout))
                .connect(host: url.host, port: url.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try configure(channel, url: url, tlsContext: tlsContext, head: head, limits: limits, timeout: timeout)
                    }
                }
            negotiated = try await negotiation.get()
        } catch {
            throw WebSocketDialError(description: "cannot open \(url.secure ? "wss" : "ws")://\(url.hostHeader): \(error)")
        }
        switch negotiated {
        case .upgraded(let connection):
            return .upgraded(connection)
        case .refused(let http):
            let status = try? await http.executeThenClose { inbound, _ -> Int in
                for try await part in inbound {
                    if case .head(let response) = part { return Int(response.status.code) }
                }
                return 0
            }
            return .refused(status: status ?? 0)
        }
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    private static func requestHead(_ url: WebSocketURL, headers: [(name: String, value: String)]) -> HTTPRequestHead {
        var fields = HTTPHeaders()
        fields.add(name: "Host", value: url.hostHeader)
        for field in headers { fields.add(name: field.name, value: field.value) }
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: url.target, headers: fields)
    }

    private static func configure(
        _ channel: Channel, url: WebSocketURL, tlsContext: NIOSSLContext?, head: HTTPRequestHead, limits: WebSocketLimits,
        timeout: Duration
    ) throws -> EventLoopFuture<Negotiated> {
        if let tlsContext {
            let isAddress = url.host.contains(":") || url.host.allSatisfy { $0.isNumber || $0 == "." }
            try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: tlsContext, serverHostname: isAddress ? nil : url.host))
        }
        let upgrader = NIOTypedWebSocketClientUpgrader<Negotiated>(
            maxFrameSize: limits.maxMessageSize,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    .upgraded(try WebSocketPipeline.wrap(channel, isClient: true, limits: limits, addCodec: false))
                }
            })
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Negotiated>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    .refused(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                }
            })
        let negotiation = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
            configuration: .init(upgradeConfiguration: configuration))
        // A server that accepts the connection but never answers the handshake: give up after the timeout.
        let giveUp = channel.eventLoop.scheduleTask(in: timeAmount(timeout)) {
            channel.close(promise: nil)
        }
        negotiation.whenComplete { _ in giveUp.cancel() }
        return negotiation
    }
}
