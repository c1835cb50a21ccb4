import JSON
import DashScope
@testable import Gateway
import MicroHTTPServer
import ServerSentEvents
import Testing

/// Pure parts of the native passthrough: the textual `parameters` insertion and the header lists.
@Suite struct NativePassthroughUnitTests {
    @Test(arguments: [
        (#"{"model":"m"}"#, #"{"parameters":{},"model":"m"}"#),
        ("  \n{ \"a\" : [1,2.50, {\"parameters\": 1}] }", "  \n{\"parameters\":{}, \"a\" : [1,2.50, {\"parameters\": 1}] }"),
        ("{}", #"{"parameters":{}}"#),
        ("{ \n }", "{\"parameters\":{} \n }"),
        ("\u{FEFF}{\"a\":1}", "\u{FEFF}{\"parameters\":{},\"a\":1}"),
        (#"{"parameters":null}"#, #"{"parameters":null}"#),
        (#"{"param\u0065ters":{}}"#, #"{"param\u0065ters":{}}"#),
        ("[1]", "[1]"), ("\"text\"", "\"text\""), ("{not json", "{not json"), ("", ""),
    ])
    func parametersAreInsertedOnlyWhenMissingFromAJSONObject(body: String, expected: String) {
        #expect(String(decoding: ParametersInsertion.apply(to: Array(body.utf8)), as: UTF8.self) == expected)
    }

    @Test func theInsertedBodyStillParsesWithEveryOtherMemberUnchanged() throws {
        let body = Array(#"{"model":"fun-asr","input":{"file_urls":["https://e.com/é.wav"]},"x":1.0e2}"#.utf8)
        let inserted = try #require(JSONValue.parse(ParametersInsertion.apply(to: body))?.objectValue)
        let original = try #require(JSONValue.parse(body)?.objectValue)
        #expect(inserted["parameters"] == .object([:]))
        #expect(inserted.filter { $0.key != "parameters" } == original)
    }

    @Test func requestHeadersAreAnAllowListWithoutHopByHopOrConnectionNamedFields() {
        let headers = HTTPHeaders([
            (name: "Authorization", value: "Bearer local"), (name: "X-DashScope-Async", value: "enable"),
            (name: "x-dashscope-sdk-client", value: "python"), (name: "Content-Type", value: "application/json"),
            (name: "Accept", value: "*/*"), (name: "User-Agent", value: "ua"), (name: "Connection", value: "keep-alive, X-DashScope-Hop"),
            (name: "X-DashScope-Hop", value: "1"), (name: "Keep-Alive", value: "5"), (name: "Proxy-Authorization", value: "x"),
            (name: "TE", value: "trailers"), (name: "Transfer-Encoding", value: "chunked"), (name: "Content-Length", value: "3"),
            (name: "Upgrade", value: "h2c"), (name: "Host", value: "h"), (name: "Cookie", value: "c"), (name: "X-Request-Id", value: "r"),
            (name: "Accept-Encoding", value: "gzip"),
        ])
        let forwarded = PassthroughHeaders.upstream(from: headers).map(\.name)
        #expect(forwarded == ["X-DashScope-Async", "x-dashscope-sdk-client", "Content-Type", "Accept", "User-Agent"])
    }

    @Test func responseHeadersLoseHopByHopFieldsAndDashScopesRequestIDMoves() {
        let relayed = PassthroughHeaders.downstream(from: [
            ("Content-Type", "text/event-stream;charset=UTF-8"), ("x-request-id", "ds-1"), ("Retry-After", "3"),
            ("Connection", "close, X-Hop"), ("X-Hop", "1"), ("Transfer-Encoding", "chunked"), ("Content-Length", "10"),
            ("Keep-Alive", "timeout=5"), ("Trailer", "X"), ("Upgrade", "h2c"), ("Proxy-Authenticate", "Basic"), ("Date", "d"),
            ("Server", "s"), ("req-cost-time", "42"), ("Set-Cookie", "a=b"),
        ])
        #expect(relayed.fields.map(\.name) == ["Content-Type", "X-DashScope-Request-Id", "Retry-After", "req-cost-time", "Set-Cookie"])
        #expect(relayed["X-DashScope-Request-Id"] == "ds-1")
        // The usual lone `keep-alive` (any case) names no other field.
        let usual = PassthroughHeaders.downstream(from: [("Connection", "Keep-Alive"), ("X-Hop", "1"), ("Connection", "close")])
        #expect(usual.fields.map(\.name) == ["X-Hop"])
    }

    @Test func theErrorFrameIsDashScopesFramingAndContinuesTheEventIDs() throws {
        var framing = DashScopeEventFraming(requestID: "gw-1", upstreamRequestID: "ds-9")
        _ = try framing.event(ServerSentEvent(id: "3", event: "result", data: "{}", comments: ["HTTP_STATUS/200"]))
        let frame = String(decoding: framing.failed(DashScopeError.disconnected), as: UTF8.self)
        #expect(frame == "id:4\nevent:error\n:HTTP_STATUS/502\ndata:{\"code\":\"upstream_disconnected\",\"message\":\"DashScope closed the stream before it ended\",\"request_id\":\"ds-9\"}\n\n")
    }

    @Test func dashScopesOwnErrorFrameIsRelayedUnchanged() {
        var framing = DashScopeEventFraming(requestID: "gw-1", upstreamRequestID: nil)
        let original = ServerSentEvent(
            id: "2", event: "error", data: #"{"code":"InternalError","message":"m","request_id":"r","extra":1}"#,
            comments: ["HTTP_STATUS/500"])
        let relayed = framing.failed(DashScopeError.api(ErrorFrame.error(from: original)))
        #expect(relayed == DashScopeEventFraming.serializer.serialize(original))
    }

    @Test(arguments: [
        (DashScopePaths.transcription, #"{"input":{"file_urls":["https://a/b.wav"]}}"#, [String](), ["X-DashScope-Async"]),
        (DashScopePaths.transcription, #"{"input":{"file_urls":["oss://dir/b.wav"]}}"#, [], ["X-DashScope-Async", "X-DashScope-OssResourceResolve"]),
        (DashScopePaths.transcription, #"{"input":{"file_urls":["OSS://dir/b.wav"]}}"#, ["x-dashscope-async"], ["X-DashScope-OssResourceResolve"]),
        (DashScopePaths.generation, #"{"x":"oss://not-a-value-start"}"#, [], ["X-DashScope-OssResourceResolve"]),
        (DashScopePaths.generation, #"{"x":"see oss://in text"}"#, [], []),
        (DashScopePaths.generation, #"{"x":"oss://a"}"#, ["x-dashscope-ossresourceresolve"], []),
        (DashScopePaths.tasks, "", [], []),
    ])
    func headersTheBodyNeedsAreAddedWhenTheClientForgot(path: String, body: String, present: [String], added: [String]) {
        let headers = DashScopePaths.requiredHeaders(path: path, body: Array(body.utf8), present: Set(present))
        #expect(headers.map(\.name) == added)
        #expect(headers.allSatisfy { $0.value == "enable" })
    }
}
