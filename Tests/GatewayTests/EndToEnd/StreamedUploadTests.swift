import DashScopeSimulator
import Foundation
import Gateway
import Testing

/// Uploads read as they arrive (issue 11): the OpenAI form and the raw Flash body are encoded piece by piece into
/// the upstream body, through the real server on a real socket, against the simulator.
@Suite struct StreamedUploadTests {
    /// Uploads of several MB reach DashScope before its answer can start: on a loaded shared machine the harness's
    /// 5 s head deadline is too short for them (the deadline is not what these tests are about).
    static func patientUpstream(_ configuration: inout GatewayConfiguration) {
        configuration.timeouts.request = .seconds(60)
        configuration.timeouts.streamIdle = .seconds(60)
    }

    /// Bytes that differ along the file, so a lost, doubled or reordered piece changes the upstream data URI.
    static func audio(_ count: Int) -> [UInt8] {
        var bytes = Array("RIFF".utf8)
        bytes.reserveCapacity(count)
        var state: UInt32 = 0x1234_5678
        while bytes.count < count {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes.append(UInt8(truncatingIfNeeded: state >> 24))
        }
        return bytes
    }

    /// The audio DashScope received in the last generation call, decoded from its data URI.
    static func uploadedAudio(_ simulator: Simulator) throws -> (mime: String, bytes: [UInt8]) {
        let body = try #require(simulator.receivedRequests().last { $0.path.hasSuffix("/generation") }?.bodyObject)
        let messages = try #require((body["input"] as? [String: Any])?["messages"] as? [[String: Any]])
        let item = try #require((messages.last?["content"] as? [[String: Any]])?.first)
        let uri = try #require((item["input_audio"] as? [String: Any])?["data"] as? String)
        let comma = try #require(uri.firstIndex(of: ","))
        let decoded = try #require(Data(base64Encoded: String(uri[uri.index(after: comma)...])))
        return (String(uri[..<comma]), Array(decoded))
    }

    @Test func aTenMegabyteMultipartUploadIsTranscribedWithEveryByteUpstream() async throws {
        try await GatewayHarness.with(configure: Self.patientUpstream) { h in
            let audio = Self.audio(10_000_000)
            let form = OpenAIForm(fields: [("model", "whisper-1"), ("language", "en")], file: ("talk.wav", nil, audio))
            let response = try await h.request(
                "POST", "/v1/audio/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)])
            #expect(response.status == 200, "\(response.text)")
            #expect((response.json["text"] as? String)?.isEmpty == false)
            let upstream = try Self.uploadedAudio(h.simulator)
            #expect(upstream.mime == "data:audio/wav;base64")
            #expect(upstream.bytes == audio)
        }
    }

    @Test func aTenMegabyteRawBodyIsTranscribedWithEveryByteUpstream() async throws {
        try await GatewayHarness.with(configure: Self.patientUpstream) { h in
            let audio = Self.audio(10_000_000)
            let response = try await h.request(
                "POST", "/v1/flash?language_hints=en", body: audio, headers: [("Content-Type", "audio/wav")])
            #expect(response.status == 200, "\(response.text)")
            let upstream = try Self.uploadedAudio(h.simulator)
            #expect(upstream.mime == "data:audio/wav;base64")
            #expect(upstream.bytes == audio)
        }
    }

    @Test func aRawFlashBodyPastFlashsLimitIs413AndNothingGoesUpstream() async throws {
        // (The OpenAI route sends such a file through a transcription job instead: OpenAIJobFallbackTests.)
        try await GatewayHarness.with(configure: Self.patientUpstream) { h in
            let raw = try await h.request("POST", "/v1/flash", body: Self.audio(12_000_000), headers: [("Content-Type", "audio/wav")])
            #expect(raw.status == 413)
            #expect(raw.error["code"] as? String == "audio_too_large")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test(arguments: [("/v1/audio/transcriptions", 102 << 20), ("/v1/flash", 26 << 20)])
    func aDeclaredLengthPastTheUploadLimitIs413BeforeTheBodyIsSent(path: String, length: Int) async throws {
        try await GatewayHarness.with(configure: Self.patientUpstream) { h in
            let port = h.gateway.port
            let type = path == "/v1/flash" ? "audio/wav" : "multipart/form-data; boundary=abc"
            let answer = try await offPool {
                let connection = try RawHTTPConnection(port: port, receiveTimeoutSeconds: 10)
                try connection.send(
                    "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(type)\r\nContent-Length: \(length)\r\n\r\n")
                try connection.send([UInt8](repeating: 0x41, count: 64 << 10))
                return try connection.readResponse()
            }
            #expect(answer.status == 413)
            #expect(answer.errorCode == "payload_too_large")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test func aClientThatHangsUpMidUploadLeavesTheGatewayServingWithItsBudgetBack() async throws {
        // The budget holds one 3 MB upload at a time: the follow-up is accepted only once the leaver's is released.
        let size = 3_000_000
        try await GatewayHarness.with(configure: {
            Self.patientUpstream(&$0)
            $0.bodyMemoryLimit = 4_000_000
        }) { h in
            let port = h.gateway.port
            let form = OpenAIForm(fields: [("model", "whisper-1")], file: ("talk.wav", nil, Self.audio(size)))
            let head = "POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \(form.contentType)\r\n"
                + "Content-Length: \(form.body.count)\r\n\r\n"
            try await offPool {
                let leaver = try RawHTTPConnection(port: port)
                try leaver.send(head)
                try leaver.send(Array(form.body[..<1_000_000]))
                leaver.hangUp()
            }
            // Until the leaver's share is back, a follow-up gets 503 — answered before its body is read, so the
            // connection may close under the client while it is still sending (then the client reports an error).
            func followUp() async -> ClientResponse? {
                try? await h.request(
                    "POST", "/v1/audio/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)])
            }
            var response = await followUp()
            let deadline = ContinuousClock.now + .seconds(10)
            while response == nil || response?.status == 503, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                response = await followUp()
            }
            let answered = try #require(response)
            #expect(answered.status == 200, "\(answered.text)")
            #expect(try Self.uploadedAudio(h.simulator).bytes == Self.audio(size))
            #expect(h.simulator.receivedRequests().filter { $0.path.hasSuffix("/generation") }.count == 1)
        }
    }

    @Test func anUploadStillCompletesWhenDashScopeIsSlowToAnswer() async throws {
        try await GatewayHarness.with(configure: Self.patientUpstream) { h in
            h.simulator.inject(.slowFirstByte(seconds: 1), for: .generation)
            let audio = Self.audio(4_000_000)
            let form = OpenAIForm(fields: [("model", "whisper-1"), ("response_format", "text")], file: ("talk.wav", nil, audio))
            let response = try await h.request(
                "POST", "/v1/audio/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)])
            #expect(response.status == 200, "\(response.text)")
            #expect(!response.text.isEmpty)
            #expect(try Self.uploadedAudio(h.simulator).bytes == audio)
        }
    }
}
