import DashScope
import MicroHTTPServer
import Synchronization
import WebSockets

/// `GET /api-ws/v1/inference`: DashScope's live-audio WebSocket (Fun-ASR realtime) through the gateway, so the
/// official SDK's `Recognition` works with `DASHSCOPE_WEBSOCKET_BASE_URL` pointed here and no key on the device.
///
/// Order of checks: the local token (401, by the router), the handshake (400), then DashScope is dialled with the
/// gateway's key *before* the client is upgraded, so an upstream that refuses (401/403 for a bad key) or cannot be
/// reached is an ordinary HTTP 502 in the local error shape, which every WebSocket client reports as a failed
/// handshake. Once both sides are open, `LiveAudioRelay` carries the frames.
struct LiveAudioRoutes: Sendable {
    let client: DashScopeClient
    /// Open sessions and relayed messages.
    let metrics: GatewayMetrics
    /// The message size limit on both connections (a larger message closes the connection with 1009).
    var limits = WebSocketLimits()

    var routes: [Route] {
        [Route("GET", DashScopePaths.liveAudio, name: "live_audio") { try await upgrade($0) }]
    }

    func upgrade(_ context: RouteContext) async throws -> HTTPResponse {
        let head = context.request.head
        if let problem = WebSocketHandshake.problem(method: head.method, header: { head.headers[$0] }) {
            throw GatewayError(status: 400, code: "websocket_handshake_invalid", message: problem)
        }
        let upstream = UpstreamLease(try await dial(head))
        var response = HTTPResponse.webSocket(key: head.headers["Sec-WebSocket-Key"] ?? "", limits: limits) { connection in
            await LiveAudioRelay.run(client: connection, upstream: upstream.take(), metrics: metrics)
        }
        // A browser that sent its token as a subprotocol also offered `funasr-gateway`, and must see one of its
        // offers selected or it drops the connection.
        let offered = (head.headers["Sec-WebSocket-Protocol"] ?? "").split(separator: ",").map { $0.trimmingWhitespace() }
        if offered.contains(TokenVerifier.gatewayProtocol) {
            response.headers.add("Sec-WebSocket-Protocol", TokenVerifier.gatewayProtocol)
        }
        return response
    }

    /// Opens DashScope's side with the gateway's key and the client's `X-DashScope-*` and `User-Agent` fields
    /// (never its `Authorization`).
    private func dial(_ head: HTTPRequestHead) async throws -> WebSocketChannel {
        let target = client.liveAudioTarget()
        guard let url = WebSocketURL(target.url) else {
            throw GatewayError(status: 500, code: "internal_error", message: "the live-audio upstream URL is not valid")
        }
        let fields = target.headers + PassthroughHeaders.upstream(from: head.headers)
        let timeout = max(client.timeouts.connect, .seconds(10))
        let result: WebSocketDialResult
        do throws(WebSocketDialError) {
            result = try await WebSocketClient.connect(url, headers: fields, limits: limits, timeout: timeout)
        } catch {
            throw GatewayError(
                status: 502, code: "upstream_unreachable",
                message: "cannot open DashScope's live-audio WebSocket: \(error.description)")
        }
        switch result {
        case .upgraded(let connection):
            return connection
        case .refused(let status) where status == 401 || status == 403:
            throw GatewayError(
                status: 502, code: "upstream_auth_failed",
                message: "DashScope refused the gateway's API key for live audio (HTTP \(status)); check the gateway's key and region")
        case .refused(let status):
            throw GatewayError(
                status: 502, code: "upstream_refused",
                message: "DashScope refused the live-audio WebSocket with HTTP \(status)")
        }
    }
}

/// DashScope's side of a session that has not started yet: closed when dropped unused, i.e. when the client left
/// (or the 101 could not be queued) before the server handed the socket over, so no DashScope socket is left open.
private final class UpstreamLease: Sendable {
    private let connection: WebSocketChannel
    private let taken = Atomic<Bool>(false)

    init(_ connection: WebSocketChannel) {
        self.connection = connection
    }

    /// The connection, for the session that now owns it.
    func take() -> WebSocketChannel {
        taken.store(true, ordering: .releasing)
        return connection
    }

    deinit {
        if !taken.load(ordering: .acquiring) { connection.channel.close(promise: nil) }
    }
}
