import DashScopeSimulator
import Foundation
import Testing

/// `Prefer: respond-async` on a file submit through the real server: 202 with an upload id once the body is in,
/// the upload's per-file progress on GET /v1/transcriptions/{upload_id}, then the task it became, or its failure.
@Suite struct UploadProgressTests {
    static let async = [("Prefer", "respond-async")]

    /// A form with two wav files and a label.
    static func twoFiles() -> (OpenAIForm, [Int]) {
        let first = OpenAIForm.wav(seconds: 1.5)
        let second = OpenAIForm.wav(seconds: 0.5)
        var form = OpenAIForm(
            fields: [("language_hints", "en"), ("label", "progress")], file: (name: "a.wav", type: "audio/wav", bytes: first))
        form.body.removeLast("--\(form.boundary)--\r\n".utf8.count)
        form.body += Array("--\(form.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.wav\"\r\nContent-Type: audio/wav\r\n\r\n".utf8)
            + second + Array("\r\n--\(form.boundary)--\r\n".utf8)
        return (form, [first.count, second.count])
    }

    static func files(_ view: ClientResponse) -> [[String: Any]] {
        ((view.json["upload"] as? [String: Any])?["files"] as? [[String: Any]]) ?? []
    }

    /// Polls the upload's view until `done` holds (bounded, 20 s).
    static func view(_ h: GatewayHarness, _ id: String, until done: (ClientResponse) -> Bool) async throws -> ClientResponse {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(20))
        while true {
            let view = try await h.request("GET", "/v1/transcriptions/\(id)")
            if done(view) || clock.now >= deadline { return view }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func theUploadShowsItsProgressPerFileThenTheTaskItBecame() async throws {
        // Upstream timeouts well past the storage's held answer, also on a busy machine.
        try await GatewayHarness.with(configure: StreamedUploadTests.patientUpstream) { h in
            // The storage holds its answer to the first file for 3 s: the view shows it sent and the second waiting.
            h.simulator.inject(.slowFirstByte(seconds: 3), for: .ossUpload, count: 1)
            let (form, sizes) = Self.twoFiles()
            let accepted = try await h.request(
                "POST", "/v1/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)] + Self.async)
            #expect(accepted.status == 202, "\(accepted.text)")
            #expect(accepted.header("Preference-Applied") == "respond-async")
            let id = try #require(accepted.json["upload_id"] as? String)
            #expect(id.hasPrefix("upload-"))
            #expect(accepted.header("Location") == "/v1/transcriptions/\(id)")
            #expect(accepted.json["status"] as? String == "UPLOADING")
            #expect(accepted.json["task_id"] == nil)
            #expect(Self.files(accepted).map { $0["name"] as? String } == ["a.wav", "b.wav"])
            #expect(Self.files(accepted).map { $0["bytes_total"] as? Int } == sizes)

            let midway = try await Self.view(h, id) { Self.files($0).first?["bytes_sent"] as? Int == sizes[0] }
            #expect(midway.json["status"] as? String == "UPLOADING", "\(midway.text)")
            #expect(Self.files(midway).map { $0["bytes_sent"] as? Int } == [sizes[0], 0])

            let submitted = try await h.request("GET", "/v1/transcriptions/\(id)?wait=20")
            #expect(submitted.json["status"] as? String == "SUBMITTED", "\(submitted.text)")
            #expect(Self.files(submitted).map { $0["bytes_sent"] as? Int } == sizes)
            #expect(submitted.json["label"] as? String == "progress")
            let taskID = try #require(submitted.json["task_id"] as? String)
            #expect(submitted.json["task_url"] as? String == "/v1/transcriptions/\(taskID)")
            #expect(submitted.header("Location") == "/v1/transcriptions/\(taskID)")

            let submit = try #require(h.simulator.receivedRequests().first { $0.path.hasSuffix("/asr/transcription") })
            let urls = (submit.bodyObject?["input"] as? [String: Any])?["file_urls"] as? [String]
            #expect(urls?.count == 2 && urls?.allSatisfy { $0.hasPrefix("oss://") } == true)
            #expect(submit.header("X-DashScope-OssResourceResolve") == "enable")
            let task = try await h.request("GET", "/v1/transcriptions/\(taskID)?wait=20")
            #expect(task.json["status"] as? String == "SUCCEEDED", "\(task.text)")
            #expect(task.json["label"] as? String == "progress")
            let listed = try await h.request("GET", "/v1/transcriptions?label=progress")
            #expect((listed.json["tasks"] as? [[String: Any]])?.first?["task_id"] as? String == taskID)
        }
    }

    @Test func aRawBodyIsSpooledAndAFailedUploadShowsWhy() async throws {
        try await GatewayHarness.with { h in
            let wav = OpenAIForm.wav(seconds: 0.5)
            let raw = try await h.request(
                "POST", "/v1/transcriptions?filename=talk.wav", body: wav, headers: [("Content-Type", "audio/wav")] + Self.async)
            #expect(raw.status == 202, "\(raw.text)")
            let rawID = try #require(raw.json["upload_id"] as? String)
            let rawDone = try await h.request("GET", "/v1/transcriptions/\(rawID)?wait=20")
            #expect(rawDone.json["status"] as? String == "SUBMITTED", "\(rawDone.text)")
            #expect(Self.files(rawDone).first?["name"] as? String == "talk.wav")
            #expect(Self.files(rawDone).first?["bytes_sent"] as? Int == wav.count)
            #expect(h.simulator.uploadedObjects().count == 1)
        }
        var expiring = SimulatorConfiguration.fastForTests
        expiring.uploadPolicyLifetime = .zero  // every policy has expired by the time the form arrives
        try await GatewayHarness.with(simulatorConfiguration: expiring) { h in
            let (form, _) = Self.twoFiles()
            let accepted = try await h.request(
                "POST", "/v1/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)] + Self.async)
            #expect(accepted.status == 202, "\(accepted.text)")
            let id = try #require(accepted.json["upload_id"] as? String)
            let failed = try await h.request("GET", "/v1/transcriptions/\(id)?wait=20")
            #expect(failed.status == 200)
            #expect(failed.json["status"] as? String == "FAILED", "\(failed.text)")
            let error = try #require(failed.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "upload_refused")
            #expect((error["message"] as? String)?.contains("HTTP 403 AccessDenied") == true, "\(error)")
            #expect(failed.json["task_id"] == nil)
            #expect(h.simulator.receivedRequests().filter { $0.path.hasSuffix("/asr/transcription") }.isEmpty, "nothing submitted")
        }
    }

    @Test func badOptionsAndUnknownUploadsAnswerAtOnce() async throws {
        try await GatewayHarness.with { h in
            let form = OpenAIForm(
                fields: [("speaker_count", "1")], file: (name: "a.wav", type: "audio/wav", bytes: OpenAIForm.wav(seconds: 0.2)))
            let refused = try await h.request(
                "POST", "/v1/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)] + Self.async)
            #expect(refused.status == 400, "a bad option is refused before the 202: \(refused.text)")
            #expect(h.simulator.receivedRequests().filter { $0.path == "/oss-upload" }.isEmpty)
            let unknown = try await h.request("GET", "/v1/transcriptions/upload-0123456789abcdef?wait=1")
            #expect(unknown.status == 404)
            #expect((unknown.error["message"] as? String)?.contains("restart") == true)
        }
    }
}
