import DashScopeSimulator
import Foundation
import Testing

@Suite struct RecognitionTests {
    @Test func flashByURLMapsTheExactUpstreamShapeAndAnswersOneJSON() async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("POST", "/v1/flash", body: jsonBody("""
                {"audio_url": "https://example.com/meeting.mp3", "sample_rate": 16000, "language_hints": ["zh"],
                 "context": "项目 背景", "vocabulary_id": "vocab-1"}
                """), headers: [("Content-Type", "application/json")])
            #expect(response.status == 200)
            #expect((response.json["text"] as? String)?.isEmpty == false)
            let sentences = try #require(response.json["sentences"] as? [[String: Any]])
            #expect((sentences.first?["words"] as? [Any])?.isEmpty == false)
            #expect((response.json["usage"] as? [String: Any])?["duration_seconds"] != nil)
            let upstream = try #require(h.simulator.receivedRequests().last)
            #expect(upstream.path == "/api/v1/services/aigc/multimodal-generation/generation")
            #expect(upstream.header("X-DashScope-SSE") == "disable")
            let body = try #require(upstream.bodyObject)
            #expect(body["model"] as? String == "fun-asr-flash-2026-06-15")
            let parameters = try #require(body["parameters"] as? [String: Any])
            #expect(parameters["format"] as? String == "mp3")
            #expect(parameters["sample_rate"] as? String == "16000")
            #expect(parameters["language_hints"] as? [String] == ["zh"])
            #expect(parameters["vocabulary_id"] as? String == "vocab-1")
            let messages = try #require((body["input"] as? [String: Any])?["messages"] as? [[String: Any]])
            #expect(messages.count == 2)
            let audio = try #require((messages.last?["content"] as? [[String: Any]])?.first)
            #expect(audio["type"] as? String == "input_audio")
            #expect((audio["input_audio"] as? [String: Any])?["data"] as? String == "https://example.com/meeting.mp3")
            let context = try #require((messages.first?["content"] as? [[String: Any]])?.first)
            #expect(context["type"] as? String == "input_text")
            #expect(context["text"] as? String == "项目 背景")
        }
    }

    @Test func rawAudioBodyBecomesADataURIWithTheInferredFormat() async throws {
        try await GatewayHarness.with { h in
            let audio = [UInt8](repeating: 7, count: 3000)
            let response = try await h.request(
                "POST", "/v1/flash?language_hints=en", body: audio, headers: [("Content-Type", "audio/x-wav")])
            #expect(response.status == 200)
            let body = try #require(h.simulator.receivedRequests().last?.bodyObject)
            let messages = try #require((body["input"] as? [String: Any])?["messages"] as? [[String: Any]])
            let item = try #require((messages.last?["content"] as? [[String: Any]])?.first)
            let data = try #require((item["input_audio"] as? [String: Any])?["data"] as? String)
            #expect(data == "data:audio/wav;base64," + Data(audio).base64EncodedString())
            #expect((body["parameters"] as? [String: Any])?["format"] as? String == "wav")
        }
    }

    @Test func realtimeUsesAudioAddressOrAudioAndEmptyResources() async throws {
        try await GatewayHarness.with { h in
            let byURL = try await h.request("POST", "/v1/realtime", body: jsonBody(
                #"{"audio_url": "https://example.com/a.wav", "vad_enabled": false}"#), headers: [("Content-Type", "application/json")])
            #expect(byURL.status == 200)
            let first = try #require(h.simulator.receivedRequests().last?.bodyObject)
            #expect(first["model"] as? String == "fun-asr-realtime")
            #expect((first["resources"] as? [Any])?.isEmpty == true)
            #expect(((first["input"] as? [String: Any])?["messages"] as? [Any])?.isEmpty == true)
            let parameters = try #require(first["parameters"] as? [String: Any])
            #expect(parameters["audio_address"] as? String == "https://example.com/a.wav")
            #expect(parameters["vad_enabled"] as? Bool == false)

            let inline = try await h.request("POST", "/v1/realtime", body: jsonBody(
                #"{"audio_base64": "UklGRgAAAABXQVZF", "format": "wav"}"#), headers: [("Content-Type", "application/json")])
            #expect(inline.status == 200)
            let second = try #require(h.simulator.receivedRequests().last?.bodyObject)
            let messages = try #require((second["input"] as? [String: Any])?["messages"] as? [[String: Any]])
            let item = try #require((messages.first?["content"] as? [[String: Any]])?.first)
            #expect(item["audio"] as? String == "data:audio/wav;base64,UklGRgAAAABXQVZF")
        }
    }

    @Test func realtimeOutsideBeijingIsAClear400() async throws {
        try await GatewayHarness.with(configure: { $0.region = .singapore }) { h in
            let response = try await h.request("POST", "/v1/realtime", body: jsonBody(
                #"{"audio_url": "https://example.com/a.wav"}"#), headers: [("Content-Type", "application/json")])
            #expect(response.status == 400)
            #expect((response.error["message"] as? String)?.contains("cn-beijing") == true)
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test(arguments: [
        (#"{"audio_url": "https://example.com/noextension"}"#, 400, "format"),
        (#"{"audio_base64": "!!!", "format": "wav"}"#, 400, "base64"),
        (#"{"audio_url": "https://e.com/a.wav", "audio_base64": "AAAA"}"#, 400, "either"),
        (#"{"format": "wav"}"#, 400, "audio"),
        (#"{"audio_url": "https://e.com/a.wav", "vad_enabled": true}"#, 400, "realtime"),
        (#"{"audio_url": "https://e.com/a.wav", "sample_rate": "fast"}"#, 400, "sample_rate"),
    ])
    func badFlashInputIsRejectedBeforeUpstream(body: String, status: Int, mentions: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("POST", "/v1/flash", body: jsonBody(body), headers: [("Content-Type", "application/json")])
            #expect(response.status == status)
            #expect((response.error["message"] as? String)?.lowercased().contains(mentions) == true, "\(response.text)")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func audioOverDashScopesTenMegabytesIs413ThatSaysSo() async throws {
        try await GatewayHarness.with { h in
            let audio = [UInt8](repeating: 1, count: 10 * 1024 * 1024 + 1)
            let response = try await h.request("POST", "/v1/flash", body: audio, headers: [("Content-Type", "audio/wav")])
            #expect(response.status == 413)
            #expect((response.error["message"] as? String)?.contains("10 MB") == true)
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }
}
