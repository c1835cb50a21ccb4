import DashScopeSimulator
import Foundation
import Testing

/// The OpenAI-compatible API (`/v1/audio/transcriptions`, `/v1/models`) through a real gateway in front of the simulator.
@Suite struct OpenAICompatibilityTests {
    static let path = "/v1/audio/transcriptions"
    static let flashModel = "fun-asr-flash-2026-06-15"
    static let wav = OpenAIForm.wav(seconds: 1.5)

    /// Sends a form; `file` nil leaves the file out.
    static func transcribe(
        _ h: GatewayHarness, _ fields: [(String, String)], file: (name: String, type: String?, bytes: [UInt8])? = ("talk.wav", "audio/wav", wav),
        headers: [(String, String)] = []
    ) async throws -> ClientResponse {
        let form = OpenAIForm(fields: fields, file: file)
        return try await h.request("POST", path, body: form.body, headers: [("Content-Type", form.contentType)] + headers)
    }

    /// The Flash transcript the simulator gives for what the gateway sent, asked directly (non-streaming).
    static func expectedText(_ h: GatewayHarness) async throws -> String {
        let sent = try #require(h.simulator.receivedRequests().last)
        let direct = try await send(
            "POST", h.simulatorServer.baseURL + sent.path, body: sent.body,
            headers: [("Authorization", "Bearer \(GatewayHarness.apiKey)"), ("Content-Type", "application/json")])
        return try #require((direct.json["output"] as? [String: Any])?["text"] as? String)
    }

    @Test func jsonIsServedByFlashWithTheAudioInlineAndTheKeyInjected() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let response = try await Self.transcribe(
                h, [("model", "whisper-1"), ("language", "en-US"), ("prompt", "weekly meeting")],
                headers: [("Authorization", "Bearer \(GatewayHarness.token)")])
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            #expect(Set(response.json.keys) == ["text", "usage"])
            let expected = try await Self.expectedText(h)
            #expect(response.json["text"] as? String == expected)
            let usage = try #require(response.json["usage"] as? [String: Any])
            #expect(usage["type"] as? String == "duration")
            #expect((usage["seconds"] as? Int ?? 0) > 0)

            let upstream = try #require(h.simulator.receivedRequests().first)
            #expect(upstream.path == "/api/v1/services/aigc/multimodal-generation/generation")
            #expect(upstream.header("Authorization") == "Bearer \(GatewayHarness.apiKey)")
            #expect(upstream.header("X-DashScope-SSE") == "enable")
            #expect(!upstream.bodyText.contains(GatewayHarness.token))
            let body = try #require(upstream.bodyObject)
            #expect(body["model"] as? String == Self.flashModel)
            let parameters = try #require(body["parameters"] as? [String: Any])
            #expect(parameters["format"] as? String == "wav")
            #expect(parameters["language_hints"] as? [String] == ["en"])
            let messages = try #require((body["input"] as? [String: Any])?["messages"] as? [[String: Any]])
            #expect(messages.count == 2)
            let context = try #require((messages[0]["content"] as? [[String: Any]])?.first)
            #expect(context["type"] as? String == "input_text")
            #expect(context["text"] as? String == "weekly meeting")
            let audio = try #require((messages[1]["content"] as? [[String: Any]])?.first?["input_audio"] as? [String: Any])
            #expect(audio["data"] as? String == "data:audio/wav;base64," + Data(Self.wav).base64EncodedString())
        }
    }

    @Test(arguments: [
        ("text", "text/plain; charset=utf-8", "", ""),
        ("srt", "application/x-subrip; charset=utf-8", "1\n00:00:", " --> "),
        ("vtt", "text/vtt; charset=utf-8", "WEBVTT\n\n00:00:", " --> "),
    ])
    func plainFormatsHaveTheirContentTypes(format: String, contentType: String, prefix: String, contains: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await Self.transcribe(h, [("response_format", format)])
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == contentType)
            #expect(response.text.hasPrefix(prefix))
            #expect(contains.isEmpty || response.text.contains(contains))
            #expect(response.text.hasSuffix("\n"))
            let expected = try await Self.expectedText(h)
            if format == "text" {
                #expect(response.text.replacingOccurrences(of: "\n", with: "") == expected.replacingOccurrences(of: "\n", with: ""))
            }
        }
    }

    @Test func verboseJSONHasWhispersShapeWithWordsAndSegments() async throws {
        try await GatewayHarness.with { h in
            let response = try await Self.transcribe(h, [
                ("response_format", "verbose_json"), ("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment"),
                ("language", "zh"),
            ])
            #expect(response.status == 200)
            let json = response.json
            #expect(json["task"] as? String == "transcribe")
            #expect(json["language"] as? String == "chinese")
            #expect(json["duration"] as? Double == 1.5)
            let expected = try await Self.expectedText(h)
            #expect(json["text"] as? String == expected)
            let segments = try #require(json["segments"] as? [[String: Any]])
            #expect(!segments.isEmpty)
            for (index, segment) in segments.enumerated() {
                #expect(segment["id"] as? Int == index)
                #expect(Set(segment.keys) == [
                    "id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob", "compression_ratio", "no_speech_prob",
                ])
                #expect((segment["start"] as? Double ?? -1) < (segment["end"] as? Double ?? -1))
                #expect((segment["tokens"] as? [Any])?.isEmpty == true)
            }
            #expect(segments.compactMap { $0["text"] as? String }.joined() == json["text"] as? String)
            let words = try #require(json["words"] as? [[String: Any]])
            #expect(!words.isEmpty)
            #expect(words.allSatisfy { Set($0.keys) == ["word", "start", "end"] && !(($0["word"] as? String) ?? " ").hasPrefix(" ") })
            #expect((json["usage"] as? [String: Any])?["type"] as? String == "duration")
        }
    }

    @Test func verboseJSONWithoutGranularitiesHasSegmentsOnlyAndWordsOnlyWhenAsked() async throws {
        try await GatewayHarness.with { h in
            let plain = try await Self.transcribe(h, [("response_format", "verbose_json")])
            #expect(plain.json["segments"] != nil && plain.json["words"] == nil)
            let words = try await Self.transcribe(h, [("response_format", "verbose_json"), ("timestamp_granularities[]", "word")])
            #expect(words.json["segments"] == nil && words.json["words"] != nil)
        }
    }

    @Test func streamSendsDeltasThatAddUpToTheDoneText() async throws {
        try await GatewayHarness.with { h in
            let response = try await Self.transcribe(h, [("stream", "true"), ("model", "gpt-4o-transcribe")])
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/event-stream; charset=utf-8")
            let blocks = response.text.components(separatedBy: "\n\n").dropLast()
            #expect(blocks.allSatisfy { $0.hasPrefix("data: {") && !$0.contains("\n") }, "standard framing, one data line")
            let events = blocks.compactMap { OpenAIForm.json(String($0.dropFirst("data: ".count))) }
            #expect(events.count == blocks.count)
            let done = try #require(events.last)
            #expect(done["type"] as? String == "transcript.text.done")
            let deltas = events.dropLast()
            #expect(deltas.count >= 2, "sentences arrive as they end")
            #expect(deltas.allSatisfy { $0["type"] as? String == "transcript.text.delta" })
            #expect(deltas.compactMap { $0["delta"] as? String }.joined() == done["text"] as? String)
            let expected = try await Self.expectedText(h)
            #expect(done["text"] as? String == expected)
            #expect((done["usage"] as? [String: Any])?["type"] as? String == "duration")
        }
    }

    @Test func aPlainJSONAnswerInsteadOfEventsStillServesBothModes() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.plainJSONInsteadOfSSE, for: .generation, count: 2)
            let json = try await Self.transcribe(h, [])
            let expected = try await Self.expectedText(h)
            #expect(json.json["text"] as? String == expected)
            let streamed = try await Self.transcribe(h, [("stream", "true")])
            let events = streamed.text.components(separatedBy: "\n\n").dropLast().compactMap { OpenAIForm.json(String($0.dropFirst(6))) }
            #expect(events.map { $0["type"] as? String } == ["transcript.text.delta", "transcript.text.done"])
            #expect(events.first?["delta"] as? String == expected)
        }
    }

    @Test(arguments: [
        (SimulatorFault.errorFrameAfter(events: 3), "InternalError", "api_error"),
        (SimulatorFault.dropAfter(events: 3), "upstream_disconnected", "api_error"),
    ])
    func aFailureMidStreamEndsWithAnOpenAIErrorEvent(fault: SimulatorFault, code: String, type: String) async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(fault, for: .generation)
            let response = try await Self.transcribe(h, [("stream", "true")])
            #expect(response.status == 200)
            let last = try #require(response.text.components(separatedBy: "\n\n").dropLast().last)
            let error = try #require(OpenAIForm.json(String(last.dropFirst("data: ".count)))?["error"] as? [String: Any])
            #expect(error["code"] as? String == code)
            #expect(error["type"] as? String == type)
            #expect((error["message"] as? String)?.isEmpty == false)
            #expect(!response.text.contains("transcript.text.done"))
        }
    }

    @Test(arguments: [
        ([("model", "whisper-1")], false, "file"),
        ([("response_format", "docx")], true, "response_format"),
        ([("timestamp_granularities[]", "word")], true, "timestamp_granularities[]"),
        ([("timestamp_granularities[]", "letter"), ("response_format", "verbose_json")], true, "timestamp_granularities[]"),
        ([("stream", "maybe")], true, "stream"),
        ([("stream", "true"), ("response_format", "srt")], true, "stream"),
        ([("language", "english!")], true, "language"),
        ([("model", "two words")], true, "model"),
        ([("surprise", "1")], true, "surprise"),
    ])
    func badFormsAre400sNamingTheField(fields: [(String, String)], withFile: Bool, param: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await Self.transcribe(h, fields, file: withFile ? ("a.wav", nil, Self.wav) : nil)
            #expect(response.status == 400)
            #expect(response.error["param"] as? String == param)
            #expect(response.error["type"] as? String == "invalid_request_error")
            #expect((response.error["message"] as? String)?.isEmpty == false)
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func theFormatComesFromTheExtensionElseTheContentTypeElse400() async throws {
        try await GatewayHarness.with { h in
            let byType = try await Self.transcribe(h, [], file: ("recording", "audio/mpeg", Self.wav))
            #expect(byType.status == 200)
            #expect((h.simulator.receivedRequests().last?.bodyObject?["parameters"] as? [String: Any])?["format"] as? String == "mp3")
            let byName = try await Self.transcribe(h, [], file: ("clip.OGG", "application/octet-stream", Self.wav))
            #expect(byName.status == 200)
            #expect((h.simulator.receivedRequests().last?.bodyObject?["parameters"] as? [String: Any])?["format"] as? String == "ogg")
            let unknown = try await Self.transcribe(h, [], file: ("recording.bin", "application/octet-stream", Self.wav))
            #expect(unknown.status == 400)
            #expect(unknown.error["param"] as? String == "file")
        }
    }

    @Test func notMultipartIs400() async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("POST", Self.path, body: jsonBody(#"{"file": "x"}"#), headers: [("Content-Type", "application/json")])
            #expect(response.status == 400)
            #expect((response.error["message"] as? String)?.contains("multipart/form-data") == true)
        }
    }

    @Test func aMissingTokenIsAnOpenAIAuthenticationError() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let response = try await Self.transcribe(h, [], headers: [("Authorization", "Bearer wrong-token-000")])
            #expect(response.status == 401)
            #expect(response.error["type"] as? String == "authentication_error")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func dashScopeErrorsKeepTheirStatusInTheOpenAIShape() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.throttled(retryAfterSeconds: 4), for: .generation)
            let throttled = try await Self.transcribe(h, [])
            #expect(throttled.status == 429)
            #expect(throttled.error["type"] as? String == "rate_limit_error")
            #expect(throttled.error["code"] as? String == "Throttling.RateQuota")
            #expect(throttled.header("Retry-After") == "4")
            let unknownModel = try await Self.transcribe(h, [("model", "fun-asr-flash-nope")])
            #expect(unknownModel.status == 400)
            #expect(unknownModel.error["param"] as? String == "model")
            #expect(unknownModel.error["code"] as? String == "InvalidParameter")
        }
    }

    @Test func theBodyCapIs413InTheOpenAIShape() async throws {
        // The route takes files up to the temporary storage's 100 MB (past 10 MB as a job); a body declared past
        // its cap is refused before it is read.
        try await GatewayHarness.with { h in
            let port = h.gateway.port
            let answer = try await offPool {
                let connection = try RawHTTPConnection(port: port, receiveTimeoutSeconds: 10)
                try connection.send(
                    "POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: multipart/form-data; boundary=abc\r\nContent-Length: \(102 << 20)\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(answer.status == 413)
            let error = try #require(answer.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "payload_too_large")
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func modelsListTheFlashModelAndTheAliases() async throws {
        try await GatewayHarness.with(configure: {
            $0.openAIModelAliases = ["whisper-1": "qwen-audio-3.0-asr-flash", "my-asr": "fun-asr-flash-2026-06-15"]
        }) { h in
            let list = try await h.request("GET", "/v1/models")
            #expect(list.status == 200)
            #expect(list.json["object"] as? String == "list")
            let data = try #require(list.json["data"] as? [[String: Any]])
            #expect(data.compactMap { $0["id"] as? String } == [
                Self.flashModel, "qwen-audio-3.0-asr-flash", "gpt-4o-mini-transcribe", "gpt-4o-transcribe", "my-asr", "whisper-1",
            ])
            #expect(data.allSatisfy { $0["object"] as? String == "model" && $0["created"] is Int && $0["owned_by"] is String })
            let one = try await h.request("GET", "/v1/models/my-asr")
            #expect(one.json["id"] as? String == "my-asr")
            let missing = try await h.request("GET", "/v1/models/nope")
            #expect(missing.status == 404)
            #expect(missing.error["code"] as? String == "model_not_found")

            _ = try await Self.transcribe(h, [("model", "whisper-1")])
            #expect(h.simulator.receivedRequests().last?.bodyObject?["model"] as? String == "qwen-audio-3.0-asr-flash")
        }
    }
}
