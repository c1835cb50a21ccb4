import Foundation
import JSON
import NIOCore
import NIOWebSocket
import Testing
import WebSockets

/// A live-audio client for tests: the WebSockets module's client dialling the gateway's `/api-ws/v1/inference`,
/// DashScope's commands, and a reader that turns the server's text frames into JSON events.
enum LiveAudioClient {
    static let path = "/api-ws/v1/inference"
    /// 100 ms of 16 kHz 16-bit mono PCM.
    static let frameBytes = 3200

    /// Dials the gateway, with the local token when given.
    static func dial(_ h: GatewayHarness, token: String? = nil, path: String = path) async throws -> WebSocketDialResult {
        let url = try #require(WebSocketURL("ws://127.0.0.1:\(h.gateway.port)\(path)"))
        var headers: [(name: String, value: String)] = [("User-Agent", "live-audio-test")]
        if let token { headers.append(("Authorization", "bearer \(token)")) }
        return try await WebSocketClient.connect(url, headers: headers, timeout: .seconds(10))
    }

    /// Dials and requires the upgrade.
    static func open(_ h: GatewayHarness, token: String? = nil, path: String = path) async throws -> WebSocketChannel {
        switch try await dial(h, token: token, path: path) {
        case .upgraded(let connection): return connection
        case .refused(let status):
            Issue.record("the gateway refused the upgrade with \(status)")
            throw CancellationError()
        }
    }

    /// DashScope's `run-task` for Fun-ASR realtime (A4).
    static func runTask(_ taskID: String) -> WebSocketOutbound {
        text(#"{"header":{"action":"run-task","task_id":"\#(taskID)","streaming":"duplex"},"payload":{"task_group":"audio","task":"asr","function":"recognition","model":"fun-asr-realtime","parameters":{"format":"pcm","sample_rate":16000},"input":{}}}"#)
    }

    /// DashScope's `finish-task` (A6).
    static func finishTask(_ taskID: String) -> WebSocketOutbound {
        text(#"{"header":{"action":"finish-task","task_id":"\#(taskID)","streaming":"duplex"},"payload":{"input":{}}}"#)
    }

    /// A text message.
    static func text(_ body: String) -> WebSocketOutbound {
        .message(.text(ByteBuffer(string: body)))
    }

    /// `count` bytes of audio (silence) as one binary message.
    static func audio(_ count: Int = frameBytes) -> WebSocketOutbound {
        .message(.binary(ByteBuffer(repeating: 0, count: count)))
    }

    /// One server event's name (`header.event`) and its JSON.
    struct Event {
        let name: String
        let json: JSONValue
        let text: String
    }

    /// Reads until a text event arrives (its JSON), or the close (nil, with its code in `closed`).
    static func next(
        _ iterator: inout NIOAsyncChannelInboundStream<WebSocketInbound>.AsyncIterator, closed: inout WebSocketErrorCode?
    ) async throws -> Event? {
        guard let (json, text) = try await nextJSON(&iterator, closed: &closed) else { return nil }
        return Event(name: json["header"]?["event"]?.stringValue ?? "", json: json, text: text)
    }

    /// Reads until a text message arrives (its JSON and text; a binary one is an issue), or the close (nil, with its
    /// code in `closed`). Shared with `RealtimeTestClient`.
    static func nextJSON(
        _ iterator: inout NIOAsyncChannelInboundStream<WebSocketInbound>.AsyncIterator, closed: inout WebSocketErrorCode?
    ) async throws -> (JSONValue, String)? {
        while let inbound = try await iterator.next() {
            switch inbound {
            case .message(.text(let buffer)):
                let text = String(buffer: buffer)
                return (try #require(JSONValue.parse(Array(text.utf8)), "not JSON: \(text)"), text)
            case .message(.binary):
                Issue.record("unexpected binary message from the server")
            case .close(let code, _):
                closed = code
                return nil
            }
        }
        return nil
    }

    /// Polls `condition` every 10 ms for up to `seconds` (a bound, not a wait for time to pass).
    static func eventually(within seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
