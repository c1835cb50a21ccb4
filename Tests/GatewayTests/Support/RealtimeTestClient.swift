import Foundation
import JSON
import NIOCore
import NIOWebSocket
import Testing
import WebSockets

/// An OpenAI Realtime client for tests: the WebSockets module's client dialling the gateway's `/v1/realtime`, the
/// client events, and a reader that turns the server's text frames into JSON events keyed by `type`.
enum RealtimeTestClient {
    static let path = "/v1/realtime?intent=transcription"
    /// 100 ms of 24 kHz 16-bit mono PCM.
    static let frameBytes = 4800

    /// Dials the gateway with `headers` (plus a Bearer token when given).
    static func dial(
        _ h: GatewayHarness, token: String? = nil, headers: [(name: String, value: String)] = [], path: String = path
    ) async throws -> WebSocketDialResult {
        let url = try #require(WebSocketURL("ws://127.0.0.1:\(h.gateway.port)\(path)"))
        var fields = headers
        if let token { fields.append(("Authorization", "Bearer \(token)")) }
        return try await WebSocketClient.connect(url, headers: fields, timeout: .seconds(10))
    }

    /// Dials and requires the upgrade.
    static func open(
        _ h: GatewayHarness, token: String? = GatewayHarness.token, headers: [(name: String, value: String)] = []
    ) async throws -> WebSocketChannel {
        switch try await dial(h, token: token, headers: headers) {
        case .upgraded(let connection): return connection
        case .refused(let status):
            Issue.record("the gateway refused the upgrade with \(status)")
            throw CancellationError()
        }
    }

    /// A client event.
    static func event(_ json: String) -> WebSocketOutbound {
        .message(.text(ByteBuffer(string: json)))
    }

    /// `input_audio_buffer.append` with `count` bytes of 24 kHz PCM16 (a quiet ramp).
    static func append(_ count: Int = frameBytes) -> WebSocketOutbound {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 % 2 == 0 ? $0 / 2 : 0) }
        return event(#"{"type":"input_audio_buffer.append","audio":"\#(Data(bytes).base64EncodedString())"}"#)
    }

    static let commit = event(#"{"type":"input_audio_buffer.commit"}"#)

    /// One server event: its `type`, JSON and text.
    struct Event {
        let type: String
        let json: JSONValue
        let text: String
    }

    /// Reads until a text event arrives, or the close (nil, with its code in `closed`).
    static func next(
        _ iterator: inout NIOAsyncChannelInboundStream<WebSocketInbound>.AsyncIterator, closed: inout WebSocketErrorCode?
    ) async throws -> Event? {
        guard let (json, text) = try await LiveAudioClient.nextJSON(&iterator, closed: &closed) else { return nil }
        return Event(type: json["type"]?.stringValue ?? "", json: json, text: text)
    }

    /// Reads until an event of `type` (the events before it included), or the end.
    static func read(
        until type: String, _ iterator: inout NIOAsyncChannelInboundStream<WebSocketInbound>.AsyncIterator,
        closed: inout WebSocketErrorCode?
    ) async throws -> [Event] {
        var events: [Event] = []
        while let event = try await next(&iterator, closed: &closed) {
            events.append(event)
            if event.type == type { break }
        }
        return events
    }
}
