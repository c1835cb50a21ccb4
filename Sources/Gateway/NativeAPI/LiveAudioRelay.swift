import NIOCore
import NIOWebSocket
import WebSockets

/// Carries one live-audio session between the client and DashScope: every text and binary message unchanged in
/// both directions, one at a time, so each side's back-pressure reaches the other (a message is read from one side
/// only once the other side accepted the previous one; a reader 8 messages behind stops its socket's reads).
///
/// Ends: the client's close (or its vanishing) closes DashScope's side with the same code (1001 when it vanished);
/// DashScope's close is relayed to the client with its code and reason, and DashScope vanishing without a close
/// frame gives the client 1011. When either side ends, the other is closed at once.
enum LiveAudioRelay {
    /// Relays until either side ends, then closes both; `metrics` counts the session and its messages.
    static func run(client: WebSocketChannel, upstream: WebSocketChannel, metrics: GatewayMetrics) async {
        metrics.liveSessionOpened()
        defer { metrics.liveSessionClosed() }
        try? await upstream.executeThenClose { upstreamIn, upstreamOut in
            try await client.executeThenClose { clientIn, clientOut in
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        let end = await pump(
                            clientIn, to: upstreamOut, vanished: (.goingAway, "client went away"),
                            relayed: { metrics.liveMessagesRelayed(toUpstream: true) })
                        try? await upstreamOut.write(.close(code: end.code, reason: end.reason))
                    }
                    group.addTask {
                        let end = await pump(
                            upstreamIn, to: clientOut,
                            vanished: (.unexpectedServerError, "DashScope closed the connection without a close frame"),
                            relayed: { metrics.liveMessagesRelayed(toUpstream: false) })
                        try? await clientOut.write(.close(code: end.code, reason: end.reason))
                    }
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// Copies messages until the source closes (its code and reason) or vanishes (`vanished`).
    private static func pump(
        _ source: NIOAsyncChannelInboundStream<WebSocketInbound>, to sink: NIOAsyncChannelOutboundWriter<WebSocketOutbound>,
        vanished: (code: WebSocketErrorCode, reason: String), relayed: () -> Void
    ) async -> (code: WebSocketErrorCode, reason: String) {
        do {
            for try await event in source {
                switch event {
                case .message(let message):
                    try await sink.write(.message(message))
                    relayed()
                case .close(let code, let reason):
                    return (code ?? .normalClosure, reason)
                }
            }
        } catch {}
        return vanished
    }
}
