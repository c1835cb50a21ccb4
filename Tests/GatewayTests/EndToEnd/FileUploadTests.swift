import DashScopeSimulator
import Foundation
import AsyncHTTPClient
import NIOCore
import Testing

/// Local files through the real gateway: uploaded to the simulator's temporary storage (getPolicy, then the OSS
/// form POST), submitted as `oss://` URLs, transcribed.
@Suite struct FileUploadTests {
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }

    /// The upload requests and the submit the simulator received.
    static func upstream(_ h: GatewayHarness) -> (policies: [RecordedRequest], uploads: [RecordedRequest], submits: [RecordedRequest]) {
        let all = h.simulator.receivedRequests()
        return (all.filter { $0.path == "/api/v1/uploads" }, all.filter { $0.path == "/oss-upload" },
                all.filter { $0.path.hasSuffix("/asr/transcription") })
    }

    /// Waits for the task and returns its text transcript of file `index`.
    static func transcript(_ h: GatewayHarness, task id: String, file index: Int = 0) async throws -> String {
        let task = try await h.request("GET", "/v1/transcriptions/\(id)?wait=20")
        #expect(task.json["status"] as? String == "SUCCEEDED", "\(task.text)")
        let text = try await h.request("GET", "/v1/transcriptions/\(id)/transcript?format=text&file=\(index)")
        #expect(text.status == 200)
        return text.text
    }

    @Test func multipartFilesAreUploadedWithoutTheKeyAndTranscribed() async throws {
        try await GatewayHarness.with { h in
            let first = OpenAIForm.wav(seconds: 1.5)
            let second = OpenAIForm.wav(seconds: 0.5)
            var form = OpenAIForm(
                fields: [("language_hints", "en"), ("diarization_enabled", "true")],
                file: (name: "../meeting notes.wav", type: "audio/wav", bytes: first))
            // A second file part, inserted before the closing boundary.
            form.body.removeLast("--\(form.boundary)--\r\n".utf8.count)
            form.body += Array("--\(form.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.wav\"\r\nContent-Type: audio/wav\r\n\r\n".utf8)
                + second + Array("\r\n--\(form.boundary)--\r\n".utf8)
            let response = try await h.request(
                "POST", "/v1/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)])
            #expect(response.status == 202, "\(response.text)")
            let id = try #require(response.json["task_id"] as? String)
            let files = try #require(response.json["files"] as? [[String: Any]])
            let urls = files.compactMap { $0["file_url"] as? String }
            #expect(urls.count == 2)
            #expect(urls.allSatisfy { $0.hasPrefix("oss://dashscope-instant/") })
            #expect(urls.first?.hasSuffix("-meeting_notes.wav") == true)
            #expect(files.map { $0["bytes"] as? Int } == [first.count, second.count])

            let (policies, uploads, submits) = Self.upstream(h)
            #expect(policies.count == 1)
            #expect(policies.first?.queryValue("model") == "fun-asr")
            #expect(policies.first?.header("Authorization") == "Bearer \(GatewayHarness.apiKey)")
            #expect(uploads.count == 2)
            for upload in uploads {
                #expect(upload.header("Authorization") == nil, "the DashScope key must never reach the storage host")
                #expect(!upload.bodyText.contains(GatewayHarness.apiKey))
                #expect(upload.header("Content-Type")?.hasPrefix("multipart/form-data; boundary=") == true)
            }
            let objects = h.simulator.uploadedObjects()
            #expect(Set(objects.map(\.fingerprint)) == [Self.fnv1a(first), Self.fnv1a(second)])
            #expect(Set(objects.map { "oss://" + $0.key }) == Set(urls))

            let submit = try #require(submits.first)
            #expect(submit.header("X-DashScope-OssResourceResolve") == "enable")
            let input = try #require(submit.bodyObject?["input"] as? [String: Any])
            #expect(input["file_urls"] as? [String] == urls)
            let parameters = try #require(submit.bodyObject?["parameters"] as? [String: Any])
            #expect(parameters["language_hints"] as? [String] == ["en"])
            #expect(parameters["diarization_enabled"] as? Bool == true)

            #expect(!(try await Self.transcript(h, task: id, file: 1)).isEmpty)
        }
    }

    @Test func aRawAudioBodyIsUploadedWithItsQueryOptions() async throws {
        try await GatewayHarness.with { h in
            let wav = OpenAIForm.wav(seconds: 1)
            let response = try await h.request(
                "POST", "/v1/transcriptions?model=fun-asr-mtl&language_hints=ja&filename=talk.wav", body: wav,
                headers: [("Content-Type", "audio/wav")])
            #expect(response.status == 202, "\(response.text)")
            let id = try #require(response.json["task_id"] as? String)
            let (policies, uploads, submits) = Self.upstream(h)
            #expect(policies.first?.queryValue("model") == "fun-asr-mtl")
            #expect(uploads.count == 1)
            #expect(uploads.first?.header("Authorization") == nil)
            #expect(h.simulator.uploadedObjects().map(\.fingerprint) == [Self.fnv1a(wav)])
            let submit = try #require(submits.first)
            #expect(submit.header("X-DashScope-OssResourceResolve") == "enable")
            #expect(submit.bodyObject?["model"] as? String == "fun-asr-mtl")
            let urls = (submit.bodyObject?["input"] as? [String: Any])?["file_urls"] as? [String]
            #expect(urls?.count == 1)
            #expect(urls?.first?.hasSuffix("-talk.wav") == true)
            #expect(!(try await Self.transcript(h, task: id)).isEmpty)
        }
    }

    @Test func aFileAboveThePolicyLimitIs413BeforeAnyUpload() async throws {
        var simulator = SimulatorConfiguration.fastForTests
        simulator.uploadMaxFileSizeMB = 1
        try await GatewayHarness.with(simulatorConfiguration: simulator) { h in
            let big = [UInt8](repeating: 7, count: 1024 * 1024 + 1)
            let raw = try await h.request("POST", "/v1/transcriptions", body: big, headers: [("Content-Type", "audio/wav")])
            #expect(raw.status == 413)
            #expect(raw.error["code"] as? String == "upload_too_large")
            #expect((raw.error["message"] as? String)?.contains("at most 1 MB") == true)
            #expect((raw.error["message"] as? String)?.contains("max_file_size_mb") == true)

            // In a form, a small file before the large one is not uploaded either.
            var form = OpenAIForm(fields: [], file: (name: "small.wav", type: "audio/wav", bytes: [1, 2, 3]))
            form.body.removeLast("--\(form.boundary)--\r\n".utf8.count)
            form.body += Array("--\(form.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.wav\"\r\n\r\n".utf8)
                + big + Array("\r\n--\(form.boundary)--\r\n".utf8)
            let multipart = try await h.request(
                "POST", "/v1/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)])
            #expect(multipart.status == 413)
            #expect((multipart.error["message"] as? String)?.contains("'big.wav'") == true)

            let (_, uploads, submits) = Self.upstream(h)
            #expect(uploads.isEmpty)
            #expect(submits.isEmpty)
        }
    }

    @Test func aStorageRefusalIsA502InTheLocalErrorShape() async throws {
        var simulator = SimulatorConfiguration.fastForTests
        simulator.uploadPolicyLifetime = .zero  // every policy has expired by the time the form arrives
        try await GatewayHarness.with(simulatorConfiguration: simulator) { h in
            let response = try await h.request(
                "POST", "/v1/transcriptions", body: OpenAIForm.wav(seconds: 0.2), headers: [("Content-Type", "audio/wav")])
            #expect(response.status == 502)
            #expect(response.error["code"] as? String == "upload_refused")
            let message = try #require(response.error["message"] as? String)
            #expect(message.contains("HTTP 403 AccessDenied"))
            #expect(message.contains("Policy expired"))
            #expect(response.error["request_id"] as? String == response.header("X-Request-Id"))
            let (_, uploads, submits) = Self.upstream(h)
            #expect(uploads.count == 1)
            #expect(submits.isEmpty)
        }
    }

    @Test(arguments: [
        ("multipart/form-data; boundary=abc", "--abc\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nRIFF", "malformed multipart body"),
        ("multipart/form-data", "--abc--\r\n", "boundary"),
        ("multipart/form-data; boundary=abc",
         "--abc\r\nContent-Disposition: form-data; name=\"language_hints\"\r\n\r\nen\r\n--abc--\r\n", "at least one 'file' part"),
        ("multipart/form-data; boundary=abc",
         "--abc\r\nContent-Disposition: form-data; name=\"colour\"\r\n\r\nred\r\n--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--abc--\r\n",
         "unknown field 'colour'"),
        ("multipart/form-data; boundary=abc",
         "--abc\r\nContent-Disposition: form-data; name=\"speaker_count\"\r\n\r\n3\r\n--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--abc--\r\n",
         "speaker_count is only allowed when diarization_enabled is true"),
        ("audio/wav", "", "empty"),
    ])
    func badFileSubmissionsAre400BeforeAnyUpstreamCall(contentType: String, body: String, message: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request(
                "POST", "/v1/transcriptions", body: Array(body.utf8), headers: [("Content-Type", contentType)])
            #expect(response.status == 400, "\(response.text)")
            #expect(response.error["code"] as? String == "invalid_request")
            #expect((response.error["message"] as? String)?.contains(message) == true, "\(response.text)")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func aRawBodyRefusesAnUnknownQueryOption() async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request(
                "POST", "/v1/transcriptions?wait=10", body: [1, 2, 3], headers: [("Content-Type", "audio/wav")])
            #expect(response.status == 400)
            #expect((response.error["message"] as? String)?.contains("unknown field 'wait'") == true)
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }
}

/// A raw audio body goes to the storage as it arrives.
@Suite struct StreamedFileUploadTests {
    @Test func aLargeRawBodyIsStreamedToTheStorageIntact() async throws {
        try await GatewayHarness.with { h in
            var audio = OpenAIForm.wav(seconds: 1)
            audio += (0..<(6 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            let response = try await h.request(
                "POST", "/v1/transcriptions?filename=long.wav", body: audio, headers: [("Content-Type", "audio/wav")])
            #expect(response.status == 202, "\(response.text)")
            let objects = h.simulator.uploadedObjects()
            #expect(objects.map(\.size) == [audio.count])
            #expect(objects.map(\.fingerprint) == [FileUploadTests.fnv1a(audio)])
            let upload = try #require(h.simulator.receivedRequests().first { $0.path == "/oss-upload" })
            #expect(upload.header("Content-Length").flatMap(Int.init).map { $0 > audio.count } == true)
        }
    }

    @Test func aRawBodyWithoutContentLengthIs411() async throws {
        try await GatewayHarness.with { h in
            var request = HTTPClientRequest(url: h.base + "/v1/transcriptions")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "audio/wav")
            let pieces = AsyncStream<ByteBuffer> { continuation in
                continuation.yield(ByteBuffer(bytes: OpenAIForm.wav(seconds: 0.1)))
                continuation.finish()
            }
            request.body = .stream(pieces, length: .unknown)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status.code == 411)
            #expect(String(buffer: body).contains("length_required"))
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func aDeclaredLengthPastTheRouteCapIs413BeforeAnyBodyByte() async throws {
        try await GatewayHarness.with { h in
            let port = h.gateway.port
            let response = try await offPool {
                let connection = try RawHTTPConnection(port: port)
                try connection.send(
                    "POST /v1/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: audio/wav\r\n"
                        + "Content-Length: \((101 << 20) + 1)\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(response.status == 413)
            #expect(response.errorCode == "payload_too_large")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test(arguments: ["/v1/transcriptions", "/v1/audio/transcriptions"])
    func aFormLargerThanTheBodyMemoryBudgetIsSpooledToDiskNotHeld(path: String) async throws {
        // A 20 MB file against a 4 MB budget for bodies held in memory: accepted only because the file goes to a spool
        // on disk and from there to the storage (a form read whole would reserve its 20 MB and get 503).
        try await GatewayHarness.with(configure: {
            StreamedUploadTests.patientUpstream(&$0)
            $0.bodyMemoryLimit = 4_000_000
        }) { h in
            let audio = StreamedUploadTests.audio(20_000_000)
            let fields = path == "/v1/transcriptions" ? [("language_hints", "en")] : [("model", "whisper-1")]
            let form = OpenAIForm(fields: fields, file: ("big.wav", "audio/wav", audio))
            let response = try await h.request("POST", path, body: form.body, headers: [("Content-Type", form.contentType)])
            #expect(response.status == (path == "/v1/transcriptions" ? 202 : 200), "\(response.text)")
            #expect(h.simulator.uploadedObjects().map(\.fingerprint) == [FileUploadTests.fnv1a(audio)])
        }
    }

}
