import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing
@testable import WebSockets

/// The WebSockets module without sockets: the handshake's accept value and checks, URL parsing, and the message
/// handler's ping/pong, fragment joining, size limit and close handshake on an embedded channel.
@Suite struct WebSocketUnitTests {
    @Test func theAcceptValueIsRFC6455s() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func theHandshakeChecks() {
        let good: [String: String] = [
            "connection": "keep-alive, Upgrade", "upgrade": "websocket", "sec-websocket-version": "13",
            "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        ]
        func problem(_ method: String = "GET", _ change: (inout [String: String]) -> Void = { _ in }) -> String? {
            var fields = good
            change(&fields)
            return WebSocketHandshake.problem(method: method) { fields[$0.lowercased()] }
        }
        #expect(problem() == nil)
        #expect(problem("POST") != nil)
        #expect(problem { $0["connection"] = nil }?.contains("Connection") == true)
        #expect(problem { $0["upgrade"] = "h2c" }?.contains("Upgrade") == true)
        #expect(problem { $0["sec-websocket-version"] = "8" }?.contains("13") == true)
        #expect(problem { $0["sec-websocket-key"] = "short" }?.contains("Key") == true)
    }

    @Test func urlsParse() throws {
        let plain = try #require(WebSocketURL("ws://127.0.0.1:8080/api-ws/v1/inference"))
        #expect(!plain.secure && plain.host == "127.0.0.1" && plain.port == 8080 && plain.target == "/api-ws/v1/inference")
        #expect(plain.hostHeader == "127.0.0.1:8080")
        let secure = try #require(WebSocketURL("wss://dashscope.aliyuncs.com/api-ws/v1/inference"))
        #expect(secure.secure && secure.port == 443 && secure.hostHeader == "dashscope.aliyuncs.com")
        let v6 = try #require(WebSocketURL("ws://[::1]:9/x?y=1"))
        #expect(v6.host == "::1" && v6.port == 9 && v6.target == "/x?y=1" && v6.hostHeader == "[::1]:9")
        #expect(WebSocketURL("http://a/b") == nil)
        #expect(WebSocketURL("ws://user@a/b") == nil)
        #expect(WebSocketURL("ws://a:0/") == nil)
    }

    private func channel(maxMessage: Int = 16) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
            minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 8, maxAccumulatedFrameSize: maxMessage))
        try channel.pipeline.syncOperations.addHandler(WebSocketMessageHandler(isClient: false))
        return channel
    }

    private func frame(_ opcode: WebSocketOpcode, _ text: String, fin: Bool = true) -> WebSocketFrame {
        WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(string: text))
    }

    @Test func aPingIsAnsweredWithAPongOfTheSameData() throws {
        let channel = try channel()
        try channel.writeInbound(frame(.ping, "abc"))
        let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(pong.opcode == .pong && pong.unmaskedData == ByteBuffer(string: "abc") && pong.maskKey == nil)
        #expect(try channel.readInbound(as: WebSocketInbound.self) == nil)
    }

    @Test func fragmentsArriveAsOneMessage() throws {
        let channel = try channel()
        try channel.writeInbound(frame(.text, "hel", fin: false))
        try channel.writeInbound(frame(.continuation, "lo", fin: true))
        #expect(try channel.readInbound(as: WebSocketInbound.self) == .message(.text(ByteBuffer(string: "hello"))))
    }

    @Test func aMessageOverTheLimitIsClosedWith1009() throws {
        let channel = try channel(maxMessage: 4)
        _ = try? channel.writeInbound(frame(.binary, "12", fin: false))
        _ = try? channel.writeInbound(frame(.continuation, "345", fin: true))
        let close = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        var data = close.unmaskedData
        #expect(close.opcode == .connectionClose && data.readWebSocketErrorCode() == .messageTooLarge)
    }

    @Test func thePeersCloseIsEchoedAndReported() throws {
        let channel = try channel()
        var payload = ByteBuffer()
        payload.write(webSocketErrorCode: .goingAway)
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))
        #expect(try channel.readInbound(as: WebSocketInbound.self) == .close(code: .goingAway, reason: ""))
        let echo = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        var data = echo.unmaskedData
        #expect(echo.opcode == .connectionClose && data.readWebSocketErrorCode() == .goingAway)
    }

    @Test func aClientMasksWhatItSends() throws {
        let channel = EmbeddedChannel(handler: WebSocketMessageHandler(isClient: true))
        try channel.writeOutbound(WebSocketOutbound.message(.binary(ByteBuffer(string: "x"))))
        let sent = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        // The key is set here and applied by NIO's frame encoder on the way out.
        #expect(sent.maskKey != nil && sent.opcode == .binary && sent.data == ByteBuffer(string: "x"))
    }
}
