import Foundation
import MicroHTTPServer
import Testing
@testable import DashScopeSimulator

@Suite struct LifecycleTests {
    func output(_ h: Harness, _ id: String) async -> [String: Any] {
        (await h.query(id))["output"] as? [String: Any] ?? [:]
    }

    @Test func pendingRunningSucceededWithTimes() async throws {
        let h = Harness()
        let id = try await h.submit(["https://example.com/hello.wav"])
        var out = await output(h, id)
        #expect(out["task_status"] as? String == "PENDING")
        #expect(out["submit_time"] as? String == "2025-09-25 01:37:36.000")
        #expect(out["scheduled_time"] == nil)
        #expect(out["end_time"] == nil)
        #expect(out["results"] == nil)

        h.clock.advance(by: .milliseconds(1500))
        out = await output(h, id)
        #expect(out["task_status"] as? String == "RUNNING")
        #expect(out["scheduled_time"] as? String == "2025-09-25 01:37:37.000")
        #expect(out["end_time"] == nil)

        h.clock.advance(by: .milliseconds(1500))
        let answer = await h.query(id)
        out = answer["output"] as? [String: Any] ?? [:]
        #expect(out["task_status"] as? String == "SUCCEEDED")
        #expect(out["end_time"] as? String == "2025-09-25 01:37:39.000")
        let metrics = try #require(out["task_metrics"] as? [String: Int])
        #expect(metrics == ["TOTAL": 1, "SUCCEEDED": 1, "FAILED": 0])
        let results = try #require(out["results"] as? [[String: Any]])
        #expect(results[0]["file_url"] as? String == "https://example.com/hello.wav")
        #expect(results[0]["subtask_status"] as? String == "SUCCEEDED")
        let url = try #require(results[0]["transcription_url"] as? String)
        #expect(url.hasPrefix("http://sim.test:8000/results/\(id)/0.json?Expires="))
        #expect(url.contains("&OSSAccessKeyId=sim&Signature="))
        let duration = try #require((answer["usage"] as? [String: Int])?["duration"])
        #expect(duration >= 1)
    }

    @Test func zeroDurationsFinishAtOnce() async throws {
        let h = Harness { $0.pendingDuration = .zero; $0.runningDuration = .zero }
        let id = try await h.submit(["https://e.com/a.wav"])
        #expect(await output(h, id)["task_status"] as? String == "SUCCEEDED")
    }

    @Test func zeroPendingStartsRunning() async throws {
        let h = Harness { $0.pendingDuration = .zero }
        let id = try await h.submit(["https://e.com/a.wav"])
        let out = await output(h, id)
        #expect(out["task_status"] as? String == "RUNNING")
        #expect(out["scheduled_time"] as? String == out["submit_time"] as? String)
    }

    @Test func partialSuccessSucceedsWithAFailedSubtask() async throws {
        let h = Harness()
        let id = try await h.submit(["https://e.com/ok.wav", "https://example.com/fail.wav", "https://host.invalid/x.wav"])
        h.clock.advance(by: .seconds(3))
        let answer = await h.query(id)
        let out = try #require(answer["output"] as? [String: Any])
        #expect(out["task_status"] as? String == "SUCCEEDED")
        #expect(out["code"] == nil)
        #expect(out["task_metrics"] as? [String: Int] == ["TOTAL": 3, "SUCCEEDED": 1, "FAILED": 2])
        let results = try #require(out["results"] as? [[String: Any]])
        #expect(results[1]["subtask_status"] as? String == "FAILED")
        #expect(results[1]["code"] as? String == "InvalidFile.DownloadFailed")
        #expect(results[1]["message"] as? String == "The audio file cannot be downloaded.")
        #expect(results[1]["transcription_url"] == nil)
        #expect(results[2]["code"] as? String == "InvalidFile.DownloadFailed")
        #expect(answer["usage"] != nil)
    }

    @Test func allFailedMeansTaskFailedWithFirstCode() async throws {
        let h = Harness()
        let id = try await h.submit(["https://example.com/fail.wav"])
        h.clock.advance(by: .seconds(3))
        let answer = await h.query(id)
        let out = try #require(answer["output"] as? [String: Any])
        #expect(out["task_status"] as? String == "FAILED")
        #expect(out["code"] as? String == "InvalidFile.DownloadFailed")
        #expect(out["message"] as? String == "The audio file cannot be downloaded.")
        #expect(answer["usage"] == nil)
    }

    @Test func usageIsCeilOfSpeechSeconds() async throws {
        let h = Harness()
        let url = "https://e.com/usage.wav"
        let id = try await h.submit([url, "https://e.com/fail.wav"])
        h.clock.advance(by: .seconds(3))
        let usage = (await h.query(id))["usage"] as? [String: Int]
        let speech = ResultDocuments.billedMilliseconds(fileURL: url, options: TranscriptionOptions())
        #expect(usage?["duration"] == (speech + 999) / 1000)
    }

    @Test(arguments: ["GET", "POST"])
    func unknownTaskIsUnknownWith200(method: String) async {
        let h = Harness()
        let response = await h.send(method, "/api/v1/tasks/no-such-task")
        #expect(response.status == 200)
        #expect(response.text.contains(#""output":{"task_id":"no-such-task","task_status":"UNKNOWN"}"#))
    }

    @Test func tasksExpireAfterRetention() async throws {
        let h = Harness()
        let id = try await h.submit(["https://e.com/a.wav"])
        h.clock.advance(by: .seconds(3))
        #expect(await output(h, id)["task_status"] as? String == "SUCCEEDED")
        h.clock.advance(by: .seconds(24 * 3600 - 1))
        #expect(await output(h, id)["task_status"] as? String == "SUCCEEDED")
        h.clock.advance(by: .seconds(1))
        #expect(await output(h, id)["task_status"] as? String == "UNKNOWN")
    }

    @Test func cancelOnlyWhilePending() async throws {
        let h = Harness()
        let id = try await h.submit(["https://e.com/a.wav"])
        let canceled = await h.send("POST", "/api/v1/tasks/\(id)/cancel")
        #expect(canceled.status == 200)
        #expect(canceled.object.keys.sorted() == ["request_id"])
        h.clock.advance(by: .seconds(10))
        let out = await output(h, id)
        #expect(out["task_status"] as? String == "CANCELED")
        #expect(out["end_time"] as? String == "2025-09-25 01:37:36.000")
        #expect(out["results"] == nil)

        let again = await h.send("POST", "/api/v1/tasks/\(id)/cancel")
        #expect(again.status == 400)
        #expect(again.code == "UnsupportedOperation")
        #expect(again.object["message"] as? String
            == "Failed to cancel the task, please confirm if the task is in PENDING status.")

        let running = try await h.submit(["https://e.com/b.wav"])
        h.clock.advance(by: .milliseconds(1500))
        #expect(await h.send("POST", "/api/v1/tasks/\(running)/cancel").code == "UnsupportedOperation")
        #expect(await h.send("POST", "/api/v1/tasks/unknown/cancel").code == "UnsupportedOperation")
        #expect(await h.send("GET", "/api/v1/tasks/\(running)/cancel").status == 405)
    }

    @Test func storeIsPure() {
        var store = TaskStore(pendingSeconds: 1, runningSeconds: 1, retentionSeconds: 10)
        let t0 = Date(timeIntervalSince1970: 1000)
        let task = SimulatedTask(
            id: "t", requestID: "r", model: "fun-asr", apiKeyID: "1", fileURLs: ["https://e.com/a"],
            outcomes: [.succeeded], options: TranscriptionOptions(), submittedAt: t0)
        store.add(task)
        #expect(store.snapshot("t", at: t0)?.status == .pending)
        #expect(store.snapshot("t", at: t0.addingTimeInterval(1))?.status == .running)
        #expect(store.snapshot("t", at: t0.addingTimeInterval(2))?.status == .succeeded)
        #expect(store.snapshot("t", at: t0.addingTimeInterval(11.9)) != nil)
        #expect(store.snapshot("t", at: t0.addingTimeInterval(12)) == nil)
        store.purge(at: t0.addingTimeInterval(12))
        #expect(store.all(at: t0).isEmpty)
    }
}
