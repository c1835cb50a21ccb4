import DashScopeSimulator
import Foundation
import Testing

@Suite struct AsyncTranscriptionTests {
    @Test func submitInjectsKeyAlwaysSendsParametersAndAnswers202() async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request(
                "POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#),
                headers: [("Authorization", "Bearer client-secret-should-not-travel")])
            #expect(response.status == 202)
            let taskID = try #require(response.json["task_id"] as? String)
            #expect(response.json["task_status"] as? String == "PENDING")
            #expect(response.header("Location") == "/v1/transcriptions/\(taskID)")
            #expect(response.header("X-DashScope-Request-Id") == response.json["request_id"] as? String)

            let submit = try #require(h.simulator.receivedRequests().first { $0.path.hasSuffix("/transcription") })
            #expect(submit.header("Authorization") == "Bearer \(GatewayHarness.apiKey)")
            #expect(submit.header("X-DashScope-Async") == "enable")
            #expect(submit.header("X-DashScope-OssResourceResolve") == nil)
            let body = try #require(submit.bodyObject)
            #expect(body["model"] as? String == "fun-asr")
            #expect((body["parameters"] as? [String: Any])?.isEmpty == true)
            #expect((body["input"] as? [String: Any])?["file_urls"] as? [String] == ["https://example.com/a.wav"])
            #expect(!submit.bodyText.contains("client-secret"))
        }
    }

    @Test func optionsMapIntoParametersAndOssURLsGetTheResolveHeader() async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("POST", "/v1/transcriptions", body: jsonBody("""
                {"file_urls": ["oss://dashscope-instant/a.wav"], "model": "fun-asr-mtl", "language_hints": ["ja"],
                 "diarization_enabled": true, "speaker_count": 3, "channel_id": [0], "parameters": {"future_option": 7}}
                """))
            #expect(response.status == 202)
            let submit = try #require(h.simulator.receivedRequests().first { $0.path.hasSuffix("/transcription") })
            #expect(submit.header("X-DashScope-OssResourceResolve") == "enable")
            let parameters = try #require(submit.bodyObject?["parameters"] as? [String: Any])
            #expect(parameters["language_hints"] as? [String] == ["ja"])
            #expect(parameters["diarization_enabled"] as? Bool == true)
            #expect(parameters["speaker_count"] as? Int == 3)
            #expect(parameters["future_option"] as? Int == 7)
        }
    }

    @Test func waitReachesSuccessAndTheTaskNeverHitsTheMissingParametersTrap() async throws {
        try await GatewayHarness.with { h in
            let submitted = try await h.request(
                "POST", "/v1/transcriptions", body: jsonBody(#"{"file_urls": ["https://example.com/one.wav"]}"#))
            let id = try #require(submitted.json["task_id"] as? String)
            let task = try await h.request("GET", "/v1/transcriptions/\(id)?wait=10")
            #expect(task.status == 200)
            #expect(task.json["status"] as? String == "SUCCEEDED")
            #expect(task.json["code"] == nil)
            let files = try #require(task.json["files"] as? [[String: Any]])
            #expect(files.first?["status"] as? String == "SUCCEEDED")
            #expect(h.simulator.receivedRequests().filter { $0.path == "/api/v1/tasks/\(id)" }.count >= 1)
        }
    }

    @Test func partialSuccessIsFlaggedAndTranscriptsInlineWithoutTheKey() async throws {
        try await GatewayHarness.with { h in
            let submitted = try await h.request("POST", "/v1/transcriptions", body: jsonBody(
                #"{"file_urls": ["https://example.com/good.wav", "https://example.com/fail.wav"]}"#))
            let id = try #require(submitted.json["task_id"] as? String)
            _ = try await h.request("GET", "/v1/transcriptions/\(id)?wait=10")
            let task = try await h.request("GET", "/v1/transcriptions/\(id)?include=transcripts")
            #expect(task.json["status"] as? String == "SUCCEEDED")
            #expect(task.json["partial"] as? Bool == true)
            let files = try #require(task.json["files"] as? [[String: Any]])
            let transcript = try #require(files[0]["transcript"] as? [String: Any])
            #expect((transcript["transcripts"] as? [Any])?.isEmpty == false)
            #expect(files[1]["status"] as? String == "FAILED")
            #expect(files[1]["code"] as? String == "InvalidFile.DownloadFailed")
            let downloads = h.simulator.receivedRequests().filter { $0.path.hasPrefix("/results/") }
            #expect(!downloads.isEmpty)
            #expect(downloads.allSatisfy { $0.header("Authorization") == nil })
        }
    }

    @Test(arguments: [
        ("srt", "application/x-subrip", "00:00:"), ("vtt", "text/vtt", "WEBVTT"),
        ("text", "text/plain", ""), ("json", "application/json", "\"transcripts\""),
    ])
    func transcriptFormats(format: String, contentType: String, marker: String) async throws {
        try await GatewayHarness.with { h in
            let submitted = try await h.request(
                "POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/talk.wav"}"#))
            let id = try #require(submitted.json["task_id"] as? String)
            _ = try await h.request("GET", "/v1/transcriptions/\(id)?wait=10")
            let transcript = try await h.request("GET", "/v1/transcriptions/\(id)/transcript?format=\(format)")
            #expect(transcript.status == 200)
            #expect(transcript.header("Content-Type")?.hasPrefix(contentType) == true)
            #expect(marker.isEmpty || transcript.text.contains(marker))
            #expect(!transcript.text.isEmpty)
            let missing = try await h.request("GET", "/v1/transcriptions/\(id)/transcript?file=5")
            #expect(missing.status == 404)
        }
    }

    @Test func transcriptOfAnUnfinishedTaskIsAClear409() async throws {
        var slow = SimulatorConfiguration.fastForTests
        slow.pendingDuration = .seconds(30)
        try await GatewayHarness.with(simulatorConfiguration: slow) { h in
            let submitted = try await h.request(
                "POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#))
            let id = try #require(submitted.json["task_id"] as? String)
            let early = try await h.request("GET", "/v1/transcriptions/\(id)/transcript")
            #expect(early.status == 409)
            #expect((early.error["message"] as? String)?.contains("PENDING") == true)
            let cancelled = try await h.request("POST", "/v1/transcriptions/\(id)/cancel")
            #expect(cancelled.status == 200)
            #expect(cancelled.json["status"] as? String == "CANCELED")
            let again = try await h.request("POST", "/v1/transcriptions/\(id)/cancel")
            #expect(again.status == 409)
            #expect((again.error["message"] as? String)?.contains("CANCELED") == true)
        }
    }

    @Test func listMapsFiltersAndPages() async throws {
        try await GatewayHarness.with { h in
            for _ in 0..<3 {
                _ = try await h.request("POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#))
            }
            let list = try await h.request("GET", "/v1/transcriptions?source=dashscope&page=1&page_size=2&model=fun-asr")
            #expect(list.status == 200)
            #expect((list.json["tasks"] as? [Any])?.count == 2)
            #expect(list.json["total"] as? Int == 3)
            let upstream = try #require(h.simulator.receivedRequests().last { $0.path.hasPrefix("/api/v1/tasks") })
            #expect(upstream.queryValue("page_size") == "2")
            #expect(upstream.queryValue("model_name") == "fun-asr")
            let bad = try await h.request("GET", "/v1/transcriptions?source=dashscope&page_size=1000")
            #expect(bad.status == 400)
        }
    }

    @Test func unknownTaskIs404() async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("GET", "/v1/transcriptions/does-not-exist")
            #expect(response.status == 404)
            #expect(response.error["code"] as? String == "task_not_found")
            let badID = try await h.request("GET", "/v1/transcriptions/a%2F..%2Fb")
            #expect(badID.status == 400 || badID.status == 404)
        }
    }
}
