import DashScopeSimulator
import Foundation
import Testing

/// The DashScope-native passthrough under `/api/v1/...`, through a real gateway in front of the simulator.
@Suite struct NativePassthroughTests {
    static let submit = "/api/v1/services/audio/asr/transcription"
    static let generation = "/api/v1/services/aigc/multimodal-generation/generation"
    static let auth = ("Authorization", "Bearer \(GatewayHarness.token)")
    static let flashBody = #"{"model": "fun-asr-flash-2026-06-15", "input": {"messages": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "https://example.com/a.wav"}}]}]}, "parameters": {"format": "wav"}}"#

    @Test func submitInjectsTheKeyAddsParametersTextuallyAndRelaysDashScopesBytes() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let body = "{\n  \"model\": \"fun-asr\",\n  \"input\": {\"file_urls\": [\"https://example.com/a%20b.wav\"]}  }"
            let response = try await h.request("POST", Self.submit, body: jsonBody(body), headers: [
                Self.auth, ("X-DashScope-Async", "enable"), ("X-DashScope-WorkSpace", "ws-1"), ("Content-Type", "application/json"),
                ("User-Agent", "dashscope/2.0.2; test"), ("Accept", "application/json"), ("X-Other", "stays-here"),
                ("Keep-Alive", "timeout=5"), ("Proxy-Authorization", "Basic c2VjcmV0"), ("TE", "trailers"), ("Cookie", "a=b"),
            ])
            #expect(response.status == 200)
            #expect(response.text.hasPrefix(#"{"request_id":""#), "DashScope's key order is kept (no re-encoding)")
            let taskID = try #require((response.json["output"] as? [String: Any])?["task_id"] as? String)
            #expect(!taskID.isEmpty)
            #expect(response.header("X-DashScope-Request-Id") == response.json["request_id"] as? String)
            #expect(response.header("Content-Type") == "application/json")

            let upstream = try #require(h.simulator.receivedRequests().first)
            #expect(upstream.path == Self.submit)
            #expect(upstream.header("Authorization") == "Bearer \(GatewayHarness.apiKey)")
            #expect(upstream.bodyText == "{\"parameters\":{}," + body.dropFirst())
            #expect(upstream.header("X-DashScope-Async") == "enable")
            #expect(upstream.header("X-DashScope-WorkSpace") == "ws-1")
            #expect(upstream.header("User-Agent") == "dashscope/2.0.2; test")
            #expect(upstream.header("Accept") == "application/json")
            for dropped in ["X-Other", "Keep-Alive", "Proxy-Authorization", "TE", "Cookie"] {
                #expect(upstream.header(dropped) == nil, "\(dropped) must not travel upstream")
            }
            #expect(!upstream.headers.map { "\($0.name): \($0.value)" }.joined().contains(GatewayHarness.token))
        }
    }

    @Test(arguments: [
        #"{"model":"fun-asr","parameters":{"channel_id":[0]},"input":{"file_urls":["https://example.com/a.wav"]}}"#,
        "not json at all", "[1, 2]", "",
    ])
    func bodiesWithParametersOrNotJSONObjectsAreForwardedByteForByte(body: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request(
                "POST", Self.submit, body: jsonBody(body), headers: [("X-DashScope-Async", "enable"), ("Content-Type", "application/json")])
            let upstream = try #require(h.simulator.receivedRequests().first)
            #expect(upstream.bodyText == body)
            if body.hasPrefix("{") {
                #expect(response.status == 200)
            } else {
                #expect(response.status == 400, "DashScope judges what is not JSON, and its error comes back as it is")
                #expect(response.json["code"] as? String != nil)
                #expect(response.json["request_id"] as? String == response.header("X-DashScope-Request-Id"))
            }
        }
    }

    @Test func taskQueryListAndCancelGoToTheSamePathsUpstream() async throws {
        var slow = SimulatorConfiguration.fastForTests
        slow.pendingDuration = .seconds(60)
        try await GatewayHarness.with(simulatorConfiguration: slow) { h in
            let submitted = try await h.request(
                "POST", Self.submit, body: jsonBody(#"{"model":"fun-asr","input":{"file_urls":["https://e.com/a.wav"]}}"#),
                headers: [("X-DashScope-Async", "enable")])
            let id = try #require((submitted.json["output"] as? [String: Any])?["task_id"] as? String)
            let viaGET = try await h.request("GET", "/api/v1/tasks/\(id)")
            let viaPOST = try await h.request("POST", "/api/v1/tasks/\(id)")
            for answer in [viaGET, viaPOST] {
                #expect(answer.status == 200)
                #expect((answer.json["output"] as? [String: Any])?["task_id"] as? String == id)
            }
            let listed = try await h.request("GET", "/api/v1/tasks/?page_no=1&page_size=5&model_name=fun-asr")
            #expect(listed.status == 200)
            #expect((listed.json["data"] as? [[String: Any]])?.first?["task_id"] as? String == id)
            let cancelled = try await h.request("POST", "/api/v1/tasks/\(id)/cancel")
            #expect(cancelled.status == 200)
            let again = try await h.request("POST", "/api/v1/tasks/\(id)/cancel")
            #expect(again.status == 400)
            #expect(again.json["code"] as? String == "UnsupportedOperation")

            let paths = h.simulator.receivedRequests().map { "\($0.method) \($0.path)" }
            #expect(paths == [
                "POST \(Self.submit)", "GET /api/v1/tasks/\(id)", "POST /api/v1/tasks/\(id)", "GET /api/v1/tasks",
                "POST /api/v1/tasks/\(id)/cancel", "POST /api/v1/tasks/\(id)/cancel",
            ])
            let list = h.simulator.receivedRequests()[3]
            #expect(list.query.map(\.name) == ["page_no", "page_size", "model_name"])
            #expect(list.queryValue("page_size") == "5")
        }
    }

    @Test(arguments: ["/api/v1/tasks/a.b", "/api/v1/tasks/a%20b", "/api/v1/tasks/\(String(repeating: "x", count: 129))/cancel"])
    func badTaskIDsAreDashScopeStyle400sThatNeverTravel(path: String) async throws {
        try await GatewayHarness.with { h in
            let method = path.hasSuffix("/cancel") ? "POST" : "GET"
            let response = try await h.request(method, path)
            #expect(response.status == 400)
            #expect(response.json["code"] as? String == "invalid_request")
            #expect(response.json["message"] as? String != nil)
            #expect(response.json["request_id"] as? String == response.header("X-Request-Id"))
            #expect(response.json["error"] == nil)
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func uploadPolicyPassesTheQueryThrough() async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("GET", "/api/v1/uploads?action=getPolicy&model=fun-asr-flash-2026-06-15")
            #expect(response.status == 200)
            let data = try #require(response.json["data"] as? [String: Any])
            #expect((data["upload_host"] as? String)?.hasSuffix("/oss-upload") == true)
            let upstream = try #require(h.simulator.receivedRequests().first)
            #expect(upstream.path == "/api/v1/uploads")
            #expect(upstream.queryValue("action") == "getPolicy")
            #expect(upstream.queryValue("model") == "fun-asr-flash-2026-06-15")
            #expect(upstream.header("Authorization") == "Bearer \(GatewayHarness.apiKey)")
        }
    }

    @Test func generationJSONIsRelayedAndAMissingParametersBecomesDashScopesOwnError() async throws {
        try await GatewayHarness.with { h in
            let ok = try await h.request("POST", Self.generation, body: jsonBody(Self.flashBody), headers: [("Content-Type", "application/json")])
            #expect(ok.status == 200)
            #expect(ok.header("Content-Type") == "application/json")
            #expect(((ok.json["output"] as? [String: Any])?["text"] as? String)?.isEmpty == false)

            let noParameters = #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[]}}"#
            let refused = try await h.request("POST", Self.generation, body: jsonBody(noParameters))
            #expect(refused.status == 400)
            #expect(refused.json["code"] as? String == "InvalidParameter")
            #expect(h.simulator.receivedRequests().last?.bodyText == #"{"parameters":{},"# + noParameters.dropFirst())
        }
    }

    @Test func eventStreamsKeepDashScopesExactFraming() async throws {
        try await GatewayHarness.with { h in
            let relayed = try await h.request(
                "POST", Self.generation, body: jsonBody(Self.flashBody), headers: [("X-DashScope-SSE", "enable"), ("Accept", "text/event-stream")])
            #expect(relayed.status == 200)
            #expect(relayed.header("Content-Type") == "text/event-stream;charset=UTF-8")
            let forwarded = try #require(h.simulator.receivedRequests().first)
            #expect(forwarded.header("X-DashScope-SSE") == "enable")
            let direct = try await send(
                "POST", h.simulatorServer.baseURL + Self.generation, body: forwarded.body,
                headers: [("Authorization", "Bearer \(GatewayHarness.apiKey)"), ("X-DashScope-SSE", "enable")])
            #expect(Self.normalized(relayed.text) == Self.normalized(direct.text), "byte for byte but the request id")
            let frames = relayed.text.components(separatedBy: "\n\n").dropLast()
            #expect(frames.count > 2)
            for (index, frame) in frames.enumerated() {
                #expect(frame.hasPrefix("id:\(index + 1)\nevent:result\n:HTTP_STATUS/200\ndata:{"), "\(frame)")
            }
            #expect(relayed.text.hasSuffix("}\n\n"))
        }
    }

    @Test(arguments: [
        (SimulatorFault.dropAfter(events: 2), 502, "upstream_disconnected"),
        (SimulatorFault.garbage, 502, "upstream_invalid_response"),
    ])
    func aMidStreamFailureEndsWithADashScopeErrorFrame(fault: SimulatorFault, status: Int, code: String) async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(fault, for: .generation)
            let response = try await h.request("POST", Self.generation, body: jsonBody(Self.flashBody), headers: [("X-DashScope-SSE", "enable")])
            #expect(response.status == 200)
            let frames = response.text.components(separatedBy: "\n\n").dropLast()
            let last = try #require(frames.last)
            let expectedID = frames.count
            #expect(last.hasPrefix("id:\(expectedID)\nevent:error\n:HTTP_STATUS/\(status)\ndata:{"), "\(last)")
            let data = try #require(Self.json(last.components(separatedBy: "data:").last ?? ""))
            #expect(data["code"] as? String == code)
            #expect((data["message"] as? String)?.isEmpty == false)
            #expect((data["request_id"] as? String)?.isEmpty == false)
            #expect(frames.dropLast().allSatisfy { $0.contains("event:result") })
        }
    }

    @Test func aStallPastTheIdleTimeoutEndsWithA504Frame() async throws {
        try await GatewayHarness.with(configure: { $0.timeouts.streamIdle = .milliseconds(600) }) { h in
            // The idle timeout also bounds the wait for the head and the first event: on a loaded machine either can
            // be late (a plain 504, or an error frame before any event); only a stream whose first event arrived
            // says what is tested here.
            var response: ClientResponse?
            for _ in 0..<4 where !(response?.status == 200 && response?.text.hasPrefix("id:1\nevent:result\n") == true) {
                // The stall is long next to the 0.6 s timeout: the timer runs on the test process's two shared
                // cooperative threads, which other suites keep busy.
                h.simulator.inject(.stallAfter(events: 1, seconds: 10), for: .generation)
                response = try await h.request("POST", Self.generation, body: jsonBody(Self.flashBody), headers: [("X-DashScope-SSE", "enable")])
                #expect(response?.status == 200 || response?.json["code"] as? String == "upstream_timeout")
            }
            let text = try #require(response?.text)
            #expect(text.hasPrefix("id:1\nevent:result\n"))
            #expect(text.contains("id:2\nevent:error\n:HTTP_STATUS/504\ndata:{\"code\":\"upstream_timeout\""))
        }
    }

    @Test func keepAlivesUseDashScopesCommentFramingWhileUpstreamIsSilent() async throws {
        try await GatewayHarness.with(configure: { $0.keepAliveInterval = .milliseconds(50) }) { h in
            h.simulator.inject(.stallAfter(events: 1, seconds: 1.5), for: .generation)
            let response = try await h.request("POST", Self.generation, body: jsonBody(Self.flashBody), headers: [("X-DashScope-SSE", "enable")])
            #expect(response.text.contains("\n\n:keep-alive\n\n"))
            #expect(response.text.replacingOccurrences(of: ":keep-alive\n\n", with: "").contains("\n\nid:2\nevent:result\n"))
            #expect(!response.text.contains("event:error"))
        }
    }

    @Test func aPlainJSONAnswerToAStreamingCallIsRelayedAsItCame() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.plainJSONInsteadOfSSE, for: .generation)
            let response = try await h.request("POST", Self.generation, body: jsonBody(Self.flashBody), headers: [("X-DashScope-SSE", "enable")])
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.text.hasPrefix(#"{"output":{"sentence":"#))
        }
    }

    @Test func dashScopesOwnErrorFrameIsRelayedAsItCame() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.errorFrameAfter(events: 1), for: .generation)
            let response = try await h.request("POST", Self.generation, body: jsonBody(Self.flashBody), headers: [("X-DashScope-SSE", "enable")])
            #expect(response.text.contains("id:2\nevent:error\n:HTTP_STATUS/500\ndata:{\"code\":\"InternalError\""))
            #expect(response.text.components(separatedBy: "event:error").count == 2, "no second, gateway-made error frame")
        }
    }

    @Test func dashScopeErrorsKeepStatusHeadersAndBytesOnStreamingAndPlainCalls() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.throttled(retryAfterSeconds: 7), for: .generation, count: 2)
            let streamed = try await h.request("POST", Self.generation, body: jsonBody(Self.flashBody), headers: [("X-DashScope-SSE", "enable")])
            let plain = try await h.request("POST", Self.generation, body: jsonBody(Self.flashBody))
            for response in [streamed, plain] {
                #expect(response.status == 429)
                #expect(response.header("Retry-After") == "7")
                #expect(response.json["code"] as? String == "Throttling.RateQuota")
                #expect(response.text.hasPrefix(#"{"request_id":""#) || response.text.hasPrefix(#"{"code":""#))
            }
        }
    }

    @Test func gatewayMadeErrorsUseDashScopesShape() async throws {
        try await GatewayHarness.with(configure: { $0.baseURL = "http://127.0.0.1:1"; $0.tokens = [GatewayHarness.token] }) { h in
            let anonymous = try await h.request("GET", "/api/v1/tasks")
            #expect(anonymous.status == 401)
            #expect(anonymous.json["code"] as? String == "unauthorized")
            let unreachable = try await h.request("GET", "/api/v1/tasks", headers: [Self.auth])
            #expect(unreachable.status == 502)
            #expect(unreachable.json["code"] as? String == "upstream_unreachable")
            #expect(unreachable.json["request_id"] as? String == unreachable.header("X-Request-Id"))
            #expect(unreachable.json["error"] == nil)
        }
    }

    @Test func bodyCapsArePerRoute() async throws {
        try await GatewayHarness.with(configure: { $0.jsonBodyLimit = 1024; $0.audioBodyLimit = 4096 }) { h in
            let padding = String(repeating: " ", count: 2000)
            let submit = try await h.request("POST", Self.submit, body: jsonBody("{\"model\":\"fun-asr\"\(padding)}"))
            #expect(submit.status == 413)
            #expect(submit.json["code"] as? String == "payload_too_large")
            let generation = try await h.request("POST", Self.generation, body: jsonBody(Self.flashBody.replacingOccurrences(of: "{\"model\"", with: "{\(padding)\"model\"")))
            #expect(generation.status == 200, "generation carries audio: the audio cap applies")
            let big = try await h.request("POST", Self.generation, body: jsonBody("{\(String(repeating: " ", count: 5000))}"))
            #expect(big.status == 413)
            #expect(h.simulator.receivedRequests().count == 1)
        }
    }

    static func normalized(_ text: String) -> String {
        text.replacing(/"request_id":"[^"]*"/, with: #""request_id":"-""#)
    }

    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
