import DashScopeSimulator
import Foundation
import Testing

/// The OpenAI route past Fun-ASR-Flash's 10 MB: the file is spooled to disk, uploaded to the temporary storage,
/// transcribed as a Fun-ASR job, and answered in the asked format as if Flash had done it.
@Suite struct OpenAIJobFallbackTests {
    static let size = 12_000_000

    static func post(_ h: GatewayHarness, _ fields: [(String, String)], name: String = "talk.wav") async throws -> (ClientResponse, [UInt8]) {
        let audio = StreamedUploadTests.audio(size)
        let form = OpenAIForm(fields: [("model", "whisper-1")] + fields, file: (name, "audio/wav", audio))
        let response = try await h.request(
            "POST", "/v1/audio/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)])
        return (response, audio)
    }

    @Test func aFilePastFlashsLimitIsUploadedTranscribedAsAJobAndAnsweredAsJSON() async throws {
        try await GatewayHarness.with(configure: StreamedUploadTests.patientUpstream) { h in
            let (response, audio) = try await Self.post(h, [("language", "en")])
            #expect(response.status == 200, "\(response.text)")
            let text = try #require(response.json["text"] as? String)
            #expect(!text.isEmpty)
            let requests = h.simulator.receivedRequests()
            #expect(!requests.contains { $0.path.hasSuffix("/generation") }, "Flash is not called for a file past 10 MB")
            // Every byte reached the storage, once, without the key; the job was submitted with its oss:// URL.
            #expect(h.simulator.uploadedObjects().map(\.fingerprint) == [FileUploadTests.fnv1a(audio)])
            let uploads = requests.filter { $0.path == "/oss-upload" }
            #expect(uploads.count == 1 && uploads.allSatisfy { $0.header("Authorization") == nil })
            let submit = try #require(requests.first { $0.path.hasSuffix("/asr/transcription") })
            #expect(submit.bodyObject?["model"] as? String == "fun-asr")
            let urls = (submit.bodyObject?["input"] as? [String: Any])?["file_urls"] as? [String]
            #expect(urls?.count == 1 && urls?.first?.hasPrefix("oss://") == true)
            #expect((submit.bodyObject?["parameters"] as? [String: Any])?["language_hints"] as? [String] == ["en"])
            // The same text the local API gives for that job.
            let list = try await h.request("GET", "/v1/transcriptions")
            let id = try #require(((list.json["tasks"] ?? list.json["data"]) as? [[String: Any]])?.first?["task_id"] as? String)
            let local = try await h.request("GET", "/v1/transcriptions/\(id)/transcript?format=text")
            #expect(local.text.split(separator: "\n").joined() == text.split(separator: "\n").joined())
            // The job is kept like any other, labelled, with its result document.
            let kept = try await h.request("GET", "/v1/transcriptions?source=store&label=openai")
            #expect(kept.text.contains(id), "\(kept.text)")
            let view = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(view.header("X-FunASR-Source") == "store", "the document was kept when the job ended")
        }
    }

    @Test func subtitlesAndVerboseJSONComeFromTheJobsSentences() async throws {
        try await GatewayHarness.with(configure: StreamedUploadTests.patientUpstream) { h in
            let (srt, _) = try await Self.post(h, [("response_format", "srt")])
            #expect(srt.status == 200, "\(srt.text)")
            #expect(srt.text.hasPrefix("1\n00:00:"), "\(srt.text)")
            let (verbose, _) = try await Self.post(h, [("response_format", "verbose_json")])
            #expect(verbose.status == 200, "\(verbose.text)")
            let segments = try #require(verbose.json["segments"] as? [[String: Any]])
            #expect(!segments.isEmpty)
            #expect(segments.allSatisfy { ($0["end"] as? Double ?? 0) >= ($0["start"] as? Double ?? 1) })
            #expect(verbose.json["duration"] as? Double != nil)
        }
    }

    @Test func aJobThatFailsIsAnOpenAIErrorNamingDashScopesCode() async throws {
        try await GatewayHarness.with(configure: StreamedUploadTests.patientUpstream) { h in
            // The simulator cannot "download" a file whose name says fail.
            let (response, _) = try await Self.post(h, [], name: "fail.wav")
            #expect(response.status == 422, "\(response.text)")
            #expect(response.error["code"] as? String == "InvalidFile.DownloadFailed")
            #expect(response.error["param"] as? String == "file")
            #expect(response.error["type"] as? String == "invalid_request_error")
        }
    }

    @Test func streamingPastFlashsLimitIsRefusedBeforeAnythingIsUploaded() async throws {
        try await GatewayHarness.with(configure: StreamedUploadTests.patientUpstream) { h in
            let (response, _) = try await Self.post(h, [("stream", "true")])
            #expect(response.status == 400)
            #expect(response.error["param"] as? String == "stream")
            #expect(h.simulator.uploadedObjects().isEmpty)
        }
    }

    @Test func aFileDeclaredLargeButUnderTenMegabytesStillGoesToFlash() async throws {
        // A big text field makes the form longer than 10 MB while the file itself fits Flash.
        try await GatewayHarness.with(configure: StreamedUploadTests.patientUpstream) { h in
            let audio = StreamedUploadTests.audio(10_000_000)
            let form = OpenAIForm(
                fields: [("model", "whisper-1"), ("prompt", String(repeating: "x", count: 60_000))], file: ("talk.wav", nil, audio))
            #expect(form.body.count > 10_000_000 + 60_000)
            let response = try await h.request(
                "POST", "/v1/audio/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)])
            #expect(response.status == 200, "\(response.text)")
            #expect(try StreamedUploadTests.uploadedAudio(h.simulator).bytes == audio)
            #expect(h.simulator.uploadedObjects().isEmpty)
        }
    }
}
