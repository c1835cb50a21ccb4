import DashScopeSimulator
import Foundation
import Gateway
import Testing

/// The job store through the real server: results answered after DashScope forgot the task, labels, the store's
/// list, DELETE, and Idempotency-Key. Each test runs with the in-memory store and with an SQLite file.
@Suite struct JobStoreRouteTests {
    static func configure(_ kind: String) -> (inout GatewayConfiguration) -> Void {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jobs-\(UUID().uuidString).sqlite").path
        return { $0.store = kind == "memory" ? .memory : .file(path) }
    }

    static func submit(_ h: GatewayHarness, _ body: String, headers: [(String, String)] = []) async throws -> ClientResponse {
        try await h.request("POST", "/v1/transcriptions", body: jsonBody(body), headers: [("Content-Type", "application/json")] + headers)
    }

    @Test(arguments: ["memory", "sqlite"])
    func aFinishedTaskIsAnsweredAfterDashScopeForgotIt(_ kind: String) async throws {
        try await GatewayHarness.with(configure: Self.configure(kind)) { h in
            let submitted = try await Self.submit(h, #"{"file_urls": ["https://example.com/a.wav", "https://example.com/b.wav"], "label": "batch-7"}"#)
            #expect(submitted.status == 202)
            #expect(submitted.json["label"] as? String == "batch-7")
            let id = try #require(submitted.json["task_id"] as? String)
            let done = try await h.request("GET", "/v1/transcriptions/\(id)?wait=20")
            #expect(done.json["status"] as? String == "SUCCEEDED")
            #expect(done.json["label"] as? String == "batch-7")
            let before = try await h.request("GET", "/v1/transcriptions/\(id)/transcript?format=text&file=1")
            #expect(before.status == 200)

            #expect(h.simulator.forgetTask(id))
            let upstreamNow = try await h.request("GET", "/api/v1/tasks/\(id)")
            #expect((upstreamNow.json["output"] as? [String: Any])?["task_status"] as? String == "UNKNOWN")
            let queriesBefore = h.simulator.receivedRequests().count

            let kept = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(kept.status == 200)
            #expect(kept.header("X-FunASR-Source") == "store")
            #expect(kept.json["status"] as? String == "SUCCEEDED")
            #expect(kept.json["label"] as? String == "batch-7")
            let text = try await h.request("GET", "/v1/transcriptions/\(id)/transcript?format=text&file=1")
            #expect(text.status == 200)
            #expect(text.text == before.text)
            let inline = try await h.request("GET", "/v1/transcriptions/\(id)?include=transcripts")
            let files = try #require(inline.json["files"] as? [[String: Any]])
            #expect(files.count == 2 && files.allSatisfy { $0["transcript"] is [String: Any] })
            #expect(h.simulator.receivedRequests().count == queriesBefore, "the store answered without DashScope")
        }
    }

    @Test func inlineTranscriptsKeepTheDocumentsTheyDownloadOnce() async throws {
        try await GatewayHarness.with { h in
            let id = try await InlineTranscriptsTests.submitAndFinish(h, files: 2)
            let downloads = { h.simulator.receivedRequests().filter { $0.path.hasPrefix("/results/") }.count }
            let first = try await h.request("GET", "/v1/transcriptions/\(id)?include=transcripts")
            #expect(first.header("X-FunASR-Source") == nil)
            #expect(downloads() == 2, "each document downloaded once, by the inliner, and kept")
            h.simulator.forgetTask(id)
            let kept = try await h.request("GET", "/v1/transcriptions/\(id)?include=transcripts")
            #expect(kept.header("X-FunASR-Source") == "store")
            let files = try #require(kept.json["files"] as? [[String: Any]])
            #expect(files.count == 2 && files.allSatisfy { $0["transcript"] is [String: Any] })
            #expect(downloads() == 2)
        }
    }

    @Test(arguments: ["memory", "sqlite"])
    func theStoreListsFiltersAndDeletes(_ kind: String) async throws {
        try await GatewayHarness.with(configure: Self.configure(kind)) { h in
            let a = try await Self.submit(h, #"{"file_url": "https://example.com/a.wav", "label": "alpha"}"#)
            _ = try await Self.submit(h, #"{"file_url": "https://example.com/b.wav", "label": "beta"}"#)
            let id = try #require(a.json["task_id"] as? String)
            let all = try await h.request("GET", "/v1/transcriptions?source=store")
            #expect(all.status == 200)
            #expect((all.json["tasks"] as? [Any])?.count == 2)
            let alpha = try await h.request("GET", "/v1/transcriptions?source=store&label=alpha&model=fun-asr&since=2020-01-01T00:00:00Z")
            let tasks = try #require(alpha.json["tasks"] as? [[String: Any]])
            #expect(tasks.count == 1 && tasks.first?["task_id"] as? String == id)
            let bad = try await h.request("GET", "/v1/transcriptions?source=store&start_time=x")
            #expect(bad.status == 400)

            let deleted = try await h.request("DELETE", "/v1/transcriptions/\(id)")
            #expect(deleted.status == 200)
            #expect(deleted.json["deleted"] as? Bool == true)
            #expect((deleted.json["note"] as? String)?.contains("DashScope has no delete") == true)
            let again = try await h.request("DELETE", "/v1/transcriptions/\(id)")
            #expect(again.status == 404)
            let after = try await h.request("GET", "/v1/transcriptions?source=store&label=alpha")
            #expect((after.json["tasks"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func theListComesFromTheStoreByDefaultAndFromDashScopeWhenAsked() async throws {
        try await GatewayHarness.with { h in
            let submitted = try await Self.submit(h, #"{"file_url": "https://example.com/a.wav", "label": "gamma"}"#)
            let id = try #require(submitted.json["task_id"] as? String)
            let listCalls = { h.simulator.receivedRequests().filter { $0.method == "GET" && $0.path == "/api/v1/tasks" }.count }
            let local = try await h.request("GET", "/v1/transcriptions?label=gamma&model=fun-asr")
            #expect(local.status == 200, "\(local.text)")
            #expect(local.json["source"] as? String == "store")
            let tasks = try #require(local.json["tasks"] as? [[String: Any]])
            #expect(tasks.count == 1 && tasks.first?["task_id"] as? String == id && tasks.first?["label"] as? String == "gamma")
            #expect(listCalls() == 0, "the default list never asks DashScope")

            let upstream = try await h.request("GET", "/v1/transcriptions?source=dashscope&model=fun-asr")
            #expect(upstream.status == 200, "\(upstream.text)")
            #expect(upstream.json["source"] as? String == "dashscope")
            #expect((upstream.json["tasks"] as? [[String: Any]])?.contains { $0["task_id"] as? String == id } == true)
            #expect(listCalls() == 1)

            let window = try await h.request("GET", "/v1/transcriptions?start_time=2025-09-25T00:00:00Z")
            #expect(window.status == 400)
            #expect((window.error["message"] as? String)?.contains("source=dashscope") == true, "\(window.text)")
            let unknownSource = try await h.request("GET", "/v1/transcriptions?source=elsewhere")
            #expect(unknownSource.status == 400)
            #expect(listCalls() == 1)
        }
    }

    @Test(arguments: ["memory", "sqlite"])
    func anIdempotencyKeySubmitsOnce(_ kind: String) async throws {
        try await GatewayHarness.with(configure: Self.configure(kind)) { h in
            let body = #"{"file_url": "https://example.com/a.wav"}"#
            let first = try await Self.submit(h, body, headers: [("Idempotency-Key", "order-42")])
            let second = try await Self.submit(h, body, headers: [("Idempotency-Key", "order-42")])
            #expect(first.status == 202 && second.status == 202)
            #expect(first.text == second.text)
            #expect(second.header("Idempotent-Replayed") == "true")
            #expect(second.header("Location") == first.header("Location"))
            let submits = h.simulator.receivedRequests().filter { $0.path.hasSuffix("/transcription") }
            #expect(submits.count == 1)

            let reused = try await Self.submit(h, #"{"file_url": "https://example.com/other.wav"}"#, headers: [("Idempotency-Key", "order-42")])
            #expect(reused.status == 422)
            let error = try #require(reused.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "idempotency_key_reused")
            #expect(error["message"] is String && error["request_id"] is String)

            let other = try await Self.submit(h, body, headers: [("Idempotency-Key", "order-43")])
            #expect(other.status == 202 && other.json["task_id"] as? String != first.json["task_id"] as? String)
        }
    }

    @Test func anIdempotentRawAudioSubmitUploadsOnce() async throws {
        try await GatewayHarness.with { h in
            let wav = OpenAIForm.wav(seconds: 1)
            let headers = [("Content-Type", "audio/wav"), ("Idempotency-Key", "upload-1")]
            let first = try await h.request("POST", "/v1/transcriptions?filename=a.wav&label=raw", body: wav, headers: headers)
            let second = try await h.request("POST", "/v1/transcriptions?filename=a.wav&label=raw", body: wav, headers: headers)
            #expect(first.status == 202, "\(first.text)")
            #expect(second.status == 202 && second.text == first.text)
            #expect(second.header("Idempotent-Replayed") == "true")
            let uploads = h.simulator.receivedRequests().filter { $0.path == "/oss-upload" }
            let submits = h.simulator.receivedRequests().filter { $0.path.hasSuffix("/transcription") }
            #expect(uploads.count == 1 && submits.count == 1)
            #expect(first.json["label"] as? String == "raw")
            let other = try await h.request("POST", "/v1/transcriptions?filename=b.wav", body: wav, headers: headers)
            #expect(other.status == 422)
        }
    }

    @Test func aFailedSubmitGivesTheKeyBack() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.badRequest, for: .submit)
            let body = #"{"file_url": "https://example.com/a.wav"}"#
            let failed = try await Self.submit(h, body, headers: [("Idempotency-Key", "retry-me")])
            #expect(failed.status == 400)
            let retried = try await Self.submit(h, body, headers: [("Idempotency-Key", "retry-me")])
            #expect(retried.status == 202)
        }
    }

    @Test func nativeSubmitsAreRecorded() async throws {
        try await GatewayHarness.with { h in
            let answer = try await h.request(
                "POST", "/api/v1/services/audio/asr/transcription",
                body: jsonBody(#"{"model": "fun-asr", "input": {"file_urls": ["https://example.com/a.wav"]}, "parameters": {}}"#),
                headers: [("Content-Type", "application/json"), ("X-DashScope-Async", "enable")])
            #expect(answer.status == 200)
            let id = try #require((answer.json["output"] as? [String: Any])?["task_id"] as? String)
            let list = try await h.request("GET", "/v1/transcriptions?source=store")
            let tasks = try #require(list.json["tasks"] as? [[String: Any]])
            #expect(tasks.contains { $0["task_id"] as? String == id && $0["model"] as? String == "fun-asr" })
        }
    }
}
