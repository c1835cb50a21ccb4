import DashScopeSimulator
import Foundation
import Testing

/// `/v1/vocabularies`: plain REST over DashScope's one customization endpoint, through the real server.
@Suite struct VocabularyTests {
    @Test func createListGetReplaceAndDeleteAHotWordList() async throws {
        try await GatewayHarness.with { h in
            let created = try await h.request("POST", "/v1/vocabularies", body: jsonBody(
                #"{"prefix": "demo", "words": ["通义千问", {"text": "Fun-ASR", "weight": 5, "lang": "en"}]}"#))
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["vocabulary_id"] as? String)
            #expect(id.hasPrefix("vocab-demo-"))
            #expect(created.header("Location") == "/v1/vocabularies/\(id)")
            let sent = try #require(h.simulator.receivedRequests().last)
            #expect(sent.path == "/api/v1/services/audio/asr/customization")
            let body = try #require(sent.bodyObject)
            #expect(body["model"] as? String == "speech-biasing")
            let input = try #require(body["input"] as? [String: Any])
            #expect(input["action"] as? String == "create_vocabulary")
            #expect(input["target_model"] as? String == "fun-asr")
            let words = try #require(input["vocabulary"] as? [[String: Any]])
            #expect(words.map { $0["weight"] as? Int } == [4, 5], "a plain string is weight 4")

            let list = try await h.request("GET", "/v1/vocabularies?prefix=demo&page_size=50")
            #expect(list.status == 200)
            let items = try #require(list.json["vocabularies"] as? [[String: Any]])
            #expect(items.contains { $0["vocabulary_id"] as? String == id })
            #expect(h.simulator.receivedRequests().last?.bodyObject.flatMap { ($0["input"] as? [String: Any])?["page_index"] as? Int } == 0)

            let got = try await h.request("GET", "/v1/vocabularies/\(id)")
            #expect(got.status == 200)
            #expect(got.json["target_model"] as? String == "fun-asr")
            #expect((got.json["words"] as? [[String: Any]])?.first?["text"] as? String == "通义千问")
            #expect((got.json["created_at"] as? String)?.hasSuffix("+08:00") == true, "\(got.text)")

            let replaced = try await h.request("PUT", "/v1/vocabularies/\(id)", body: jsonBody(#"{"words": [{"text": "阙里人家", "weight": 2}]}"#))
            #expect(replaced.status == 200)
            let after = try await h.request("GET", "/v1/vocabularies/\(id)")
            #expect((after.json["words"] as? [[String: Any]])?.map { $0["text"] as? String } == ["阙里人家"])

            let deleted = try await h.request("DELETE", "/v1/vocabularies/\(id)")
            #expect(deleted.status == 204)
            let gone = try await h.request("GET", "/v1/vocabularies/\(id)")
            #expect(gone.status == 400)
            #expect(gone.error["code"] as? String == "InvalidParameter", "DashScope's own code passes through")
            h.assertNoSecretLeaked()
        }
    }

    @Test(arguments: [
        (#"{"prefix": "Demo", "words": ["a"]}"#, "prefix"),
        (#"{"prefix": "demo12345x", "words": ["a"]}"#, "prefix"),
        (#"{"prefix": "demo", "words": []}"#, "words"),
        (#"{"prefix": "demo", "words": [{"text": "a", "weight": 6}]}"#, "words"),
        (#"{"prefix": "demo", "words": [{"text": "a", "colour": "red"}]}"#, "words"),
        (#"{"prefix": "demo", "words": ["一二三四五六七八九十一二三四五六"]}"#, "words"),
        (#"{"prefix": "demo", "words": ["one two three four five six seven eight"]}"#, "words"),
        (#"{"prefix": "demo", "words": ["a"], "extra": 1}"#, "extra"),
        (#"{"prefix": "demo", "words": ["a"], "target_model": ""}"#, "target_model"),
    ])
    func badBodiesAreRefusedBeforeAnyUpstreamCall(body: String, field: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("POST", "/v1/vocabularies", body: jsonBody(body))
            #expect(response.status == 400, "\(body): \(response.text)")
            #expect((response.error["message"] as? String)?.contains(field) == true, "\(response.text)")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }

    @Test(arguments: ["page=0", "page_size=101", "prefix=Bad", "page=x"])
    func badListQueriesAreRefused(query: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("GET", "/v1/vocabularies?\(query)")
            #expect(response.status == 400, "\(query): \(response.text)")
            #expect(h.simulator.receivedRequests().isEmpty)
        }
    }
}
