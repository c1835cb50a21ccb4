import DashScope
import FoundationEssentials
import MicroHTTPServer
import NIOCore
import WebSockets

/// `GET /v1/realtime` with `Upgrade: websocket`: an OpenAI Realtime transcription session (`intent=transcription`)
/// served by Fun-ASR's live-audio WebSocket with the gateway's key (`RealtimeBridge`). `POST /v1/realtime` (the
/// local API's file recognition) is a different route on the same path.
///
/// Checks, in order: the local token (401, by the router: `Authorization: Bearer`, or the subprotocol
/// `openai-insecure-api-key.<token>` the OpenAI browser SDKs send, or `funasr-token.<token>`), the handshake and the
/// intent (400, OpenAI's error shape). The client is upgraded first and DashScope dialled then, so a refusal reaches
/// the client as an OpenAI `error` event followed by the close.
struct RealtimeRoutes: Sendable {
    let client: DashScopeClient
    /// Open sessions and their messages, counted with the DashScope-native ones.
    let metrics: GatewayMetrics
    /// The message size limit on both connections (a larger message closes the connection with 1009).
    var limits = WebSocketLimits()
    /// A task without audio for this long is finished before DashScope's 23 s no-audio failure.
    var idleFinish = RealtimeBridgeSession.defaultIdleFinish

    var routes: [Route] {
        [Route("GET", "/v1/realtime", name: "openai_realtime", errorStyle: .openAI) { try await upgrade($0) }]
    }

    func upgrade(_ context: RouteContext) async throws -> HTTPResponse {
        let head = context.request.head
        if let problem = WebSocketHandshake.problem(method: head.method, header: { head.headers[$0] }) {
            throw GatewayError(status: 400, code: "websocket_handshake_invalid", message: problem)
        }
        if let intent = head.queryValue("intent"), intent != "transcription" {
            throw GatewayError(
                status: 400, code: "invalid_value",
                message: "only transcription sessions are served here: connect with intent=transcription", param: "intent")
        }
        let offered = (head.headers["Sec-WebSocket-Protocol"] ?? "").split(separator: ",").map { $0.trimmingWhitespace() }
        let beta = (head.headers["OpenAI-Beta"] ?? "").contains("realtime=v1") || offered.contains("openai-beta.realtime-v1")
        let config = RealtimeSessionConfig(id: "sess_" + Self.randomHex(), dialect: beta ? .beta : .ga)
        let bridge = RealtimeBridge(dial: { await dial() }, config: config, metrics: metrics, idleFinish: idleFinish)
        var response = HTTPResponse.webSocket(key: head.headers["Sec-WebSocket-Key"] ?? "", limits: limits) { connection in
            switch await bridge.dial() {
            case .success(let upstream):
                metrics.liveSessionOpened()
                await bridge.run(client: connection, first: upstream)
                metrics.liveSessionClosed()
            case .failure(let error):
                await Self.refuse(connection, error, config: config)
            }
        }
        // A browser must see one of its offers selected: OpenAI's SDKs offer `realtime`, the page `funasr-gateway`.
        // Never the token-bearing one.
        if let selected = ["realtime", TokenVerifier.gatewayProtocol].first(where: offered.contains) {
            response.headers.add("Sec-WebSocket-Protocol", selected)
        }
        return response
    }

    /// Tells the client why DashScope's side could not be opened, then closes.
    private static func refuse(_ connection: WebSocketChannel, _ error: RealtimeError, config: RealtimeSessionConfig) async {
        try? await connection.executeThenClose { _, outbound in
            var events = RealtimeServerEvents(prefix: String(config.id.dropFirst(5)) + "_")
            try await outbound.write(.message(.text(ByteBuffer(bytes: events.error(error).serialized()))))
            try await outbound.write(.close(code: .unexpectedServerError, reason: "DashScope refused the session"))
        }
    }

    /// Opens DashScope's live-audio WebSocket with the gateway's key (never anything of the client's).
    private func dial() async -> Result<WebSocketChannel, RealtimeError> {
        let target = client.liveAudioTarget()
        guard let url = WebSocketURL(target.url) else {
            return .failure(RealtimeError(type: "server_error", code: "internal_error", message: "the live-audio upstream URL is not valid"))
        }
        let fields = target.headers + [("User-Agent", "funasr-gateway")]
        let result: WebSocketDialResult
        do throws(WebSocketDialError) {
            result = try await WebSocketClient.connect(url, headers: fields, limits: limits, timeout: max(client.timeouts.connect, .seconds(10)))
        } catch {
            return .failure(RealtimeError(
                type: "server_error", code: "upstream_unreachable",
                message: "cannot open DashScope's live-audio WebSocket: \(error.description)"))
        }
        switch result {
        case .upgraded(let connection):
            return .success(connection)
        case .refused(let status) where status == 401 || status == 403:
            return .failure(RealtimeError(
                type: "invalid_request_error", code: "invalid_api_key",
                message: "DashScope refused the gateway's API key for live audio (HTTP \(status)); check the gateway's key and region"))
        case .refused(let status):
            return .failure(RealtimeError(
                type: "server_error", code: "upstream_refused",
                message: "DashScope refused the live-audio WebSocket with HTTP \(status)"))
        }
    }

    private static func randomHex() -> String {
        String(UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(24))
    }
}
