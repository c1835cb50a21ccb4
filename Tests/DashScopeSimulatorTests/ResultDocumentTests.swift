import Foundation
import JSON
import MicroHTTPServer
import Testing
@testable import DashScopeSimulator

@Suite struct ResultDocumentTests {
    /// Submits, finishes, and returns the signed result URL's path and query.
    func finishedResult(_ h: Harness, parameters: String = "{}", url: String = "https://e.com/meeting.wav") async throws
        -> (path: String, query: [(String, String)])
    {
        let id = try await h.submit([url], parameters: parameters)
        h.clock.advance(by: .seconds(3))
        let output = try #require((await h.query(id))["output"] as? [String: Any])
        let results = try #require(output["results"] as? [[String: Any]])
        let url = try #require(results[0]["transcription_url"] as? String)
        let link = try #require(URLComponents(string: url))
        return (link.path, (link.queryItems ?? []).map { ($0.name, $0.value ?? "") })
    }

    @Test func downloadWithoutAuthorizationGivesCompactDocument() async throws {
        let h = Harness()
        let (path, query) = try await finishedResult(h)
        let response = await h.send("GET", path, query: query, key: nil)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(!response.text.contains("\n") && !response.text.contains(": "))
        #expect(response.text.hasPrefix(#"{"file_url":"https://e.com/meeting.wav","properties":{"audio_format":"pcm_s16le","channels":[0],"original_sampling_rate":16000,"original_duration_in_milliseconds":"#))
        let doc = response.object
        let transcripts = try #require(doc["transcripts"] as? [[String: Any]])
        #expect(transcripts.count == 1)
        #expect(transcripts[0]["channel_id"] as? Int == 0)
        let sentences = try #require(transcripts[0]["sentences"] as? [[String: Any]])
        #expect((2...6).contains(sentences.count))
        #expect(sentences.map { $0["sentence_id"] as? Int } == Array(1...sentences.count))
        #expect(sentences.allSatisfy { $0["speaker_id"] == nil })
        let text = sentences.compactMap { $0["text"] as? String }.joined()
        #expect(transcripts[0]["text"] as? String == text)
        var previousEnd = 0
        var speech = 0
        for sentence in sentences {
            let words = try #require(sentence["words"] as? [[String: Any]])
            let begin = try #require(sentence["begin_time"] as? Int)
            let end = try #require(sentence["end_time"] as? Int)
            #expect(begin >= previousEnd && end > begin)
            #expect(words.first?["begin_time"] as? Int == begin)
            #expect(words.last?["end_time"] as? Int == end)
            #expect(words.map { ($0["text"] as? String ?? "") + ($0["punctuation"] as? String ?? "") }.joined()
                == sentence["text"] as? String)
            #expect(words.allSatisfy { Set($0.keys) == ["begin_time", "end_time", "text", "punctuation"] })
            previousEnd = end
            speech += end - begin
        }
        #expect(transcripts[0]["content_duration_in_milliseconds"] as? Int == speech)
        let properties = try #require(doc["properties"] as? [String: Any])
        #expect((properties["original_duration_in_milliseconds"] as? Int ?? 0) > previousEnd)
    }

    @Test func documentsAreDeterministicPerURL() async throws {
        let options = TranscriptionOptions()
        let a = ResultDocuments.document(fileURL: "https://e.com/x.wav", options: options).serialized()
        #expect(a == ResultDocuments.document(fileURL: "https://e.com/x.wav", options: options).serialized())
        #expect(a != ResultDocuments.document(fileURL: "https://e.com/y.wav", options: options).serialized())
    }

    @Test func diarizationAndChannels() async throws {
        let h = Harness()
        let (path, query) = try await finishedResult(
            h, parameters: #"{"diarization_enabled":true,"speaker_count":3,"channel_id":[0,1]}"#,
            url: "https://e.com/a-long-enough-meeting-recording.mp3")
        let doc = await h.send("GET", path, query: query, key: nil).object
        #expect((doc["properties"] as? [String: Any])?["channels"] as? [Int] == [0, 1])
        #expect((doc["properties"] as? [String: Any])?["audio_format"] as? String == "mp3")
        let transcripts = try #require(doc["transcripts"] as? [[String: Any]])
        #expect(transcripts.map { $0["channel_id"] as? Int } == [0, 1])
        let sentences = try #require(transcripts[0]["sentences"] as? [[String: Any]])
        #expect(sentences.enumerated().allSatisfy { $0.element["speaker_id"] as? Int == $0.offset % 3 })
        #expect(transcripts[0]["text"] as? String != transcripts[1]["text"] as? String)
    }

    @Test func diarizationWithoutCountAlternates() {
        let doc = JSONValue.parse(ResultDocuments.document(
            fileURL: "https://e.com/d.wav", options: TranscriptionOptions(diarization: true)).bytes())
        guard let sentences = doc?["transcripts"]?.arrayValue?.first?["sentences"]?.arrayValue
        else { Issue.record("shape"); return }
        #expect(sentences.enumerated().allSatisfy { $0.element["speaker_id"]?.intValue == $0.offset % 2 })
    }

    @Test func authorizationHeaderIsRejectedLikeOSS() async throws {
        let h = Harness()
        let (path, query) = try await finishedResult(h)
        let response = await h.send("GET", path, query: query, key: testKey)
        #expect(response.status == 400)
        #expect(response.headers["Content-Type"] == "application/xml")
        #expect(response.text.contains("<Code>InvalidArgument</Code>"))
        #expect(response.text.contains("<Message>Unsupported Authorization Type</Message>"))
    }

    @Test func expiresAfterRetention() async throws {
        let h = Harness()
        let (path, query) = try await finishedResult(h)
        h.clock.advance(by: .seconds(24 * 3600 - 1))
        #expect(await h.send("GET", path, query: query, key: nil).status == 200)
        h.clock.advance(by: .seconds(2))
        let response = await h.send("GET", path, query: query, key: nil)
        #expect(response.status == 403)
        #expect(response.text.contains("<Code>AccessDenied</Code>"))
        #expect(response.text.contains("<Message>Request has expired.</Message>"))
    }

    @Test func tamperedOrUnsignedURLsAreRefused() async throws {
        let h = Harness()
        let (path, query) = try await finishedResult(h)
        let tampered = query.map { $0.0 == "Expires" ? ($0.0, String(Int($0.1)! + 1)) : $0 }
        #expect(await h.send("GET", path, query: tampered, key: nil).text.contains("SignatureDoesNotMatch"))
        #expect(await h.send("GET", path, key: nil).status == 403)
        let other = path.replacingOccurrences(of: "/0.json", with: "/1.json")
        #expect(await h.send("GET", other, query: query, key: nil).status == 403)
    }

    @Test func failedSubtaskHasNoDocument() async throws {
        let h = Harness()
        let id = try await h.submit(["https://e.com/ok.wav", "https://e.com/fail.wav"])
        h.clock.advance(by: .seconds(3))
        let path = ResultDocuments.path(taskID: id, index: 1)
        let expires: Int64 = 1_758_735_459 + 86_400
        let query = [("Expires", String(expires)), ("OSSAccessKeyId", "sim"),
                     ("Signature", ResultDocuments.signature(path: path, expires: expires))]
        let response = await h.send("GET", path, query: query, key: nil)
        #expect(response.status == 404)
        #expect(response.text.contains("NoSuchKey"))
    }

    @Test func configuredBaseURLWins() async throws {
        let h = Harness { $0.baseURL = "https://sim.example/" }
        let id = try await h.submit(["https://e.com/a.wav"])
        h.clock.advance(by: .seconds(3))
        let results = ((await h.query(id))["output"] as? [String: Any])?["results"] as? [[String: Any]]
        #expect((results?[0]["transcription_url"] as? String)?.hasPrefix("https://sim.example/results/") == true)
    }
}
