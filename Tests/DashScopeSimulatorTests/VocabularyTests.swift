import Foundation
import Testing
@testable import DashScopeSimulator

let customizationPath = "/api/v1/services/audio/asr/customization"

/// Hot-word lists (`POST …/audio/asr/customization`), as the official SDK's `VocabularyService` calls them.
@Suite struct VocabularyTests {
    static let words = #"[{"text":"赛德克巴莱","weight":4,"lang":"zh"},{"text":"Seediq Bale","weight":4,"lang":"en"}]"#

    static func body(_ input: String, model: String = "speech-biasing") -> String {
        #"{"model":"\#(model)","input":{\#(input)},"parameters":{}}"#
    }

    /// Posts one action over a real socket and returns the status and the parsed answer.
    static func call(_ server: SimulatorServer, _ input: String, key: String = testKey) async throws -> (Int, [String: Any], String) {
        let response = try #require(await RawHTTPClient.send(
            port: server.port, method: "POST", path: customizationPath,
            headers: [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")],
            body: Array(body(input).utf8)))
        #expect(response.header("x-request-id") == jsonObject(response.text)["request_id"] as? String)
        return (response.status, jsonObject(response.text), response.text)
    }

    @Test func createListQueryUpdateDeleteOverTheSocket() async throws {
        let clock = ManualSimulatorClock()
        let server = SimulatorServer(simulator: Simulator(configuration: .fastForTests, clock: clock))
        try server.start()
        do {
            try await lifecycle(server, clock)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    func lifecycle(_ server: SimulatorServer, _ clock: ManualSimulatorClock) async throws {
        let (status, created, text) = try await Self.call(
            server, #""action":"create_vocabulary","target_model":"fun-asr","prefix":"testpfx","vocabulary":\#(Self.words)"#)
        #expect(status == 200)
        #expect(text.hasPrefix(#"{"output":{"vocabulary_id":"vocab-testpfx-"#))
        #expect((created["usage"] as? [String: Any])?["count"] as? Int == 1)
        let id = try #require((created["output"] as? [String: Any])?["vocabulary_id"] as? String)
        #expect(id.wholeMatch(of: /vocab-testpfx-[0-9a-f]{32}/) != nil)

        let (_, listed, _) = try await Self.call(server, #""action":"list_vocabulary","page_index":0,"page_size":10"#)
        let items = try #require((listed["output"] as? [String: Any])?["vocabulary_list"] as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items.first?["vocabulary_id"] as? String == id)
        #expect(items.first?["status"] as? String == "OK")
        #expect(items.first?["gmt_create"] as? String == "2025-09-25 01:37:36")

        let (_, queried, queryText) = try await Self.call(server, #""action":"query_vocabulary","vocabulary_id":"\#(id)""#)
        #expect(queryText.contains(#""vocabulary":[{"lang":"zh","text":"赛德克巴莱","weight":4},{"lang":"en","text":"Seediq Bale","weight":4}]"#))
        let detail = try #require(queried["output"] as? [String: Any])
        #expect(detail["target_model"] as? String == "fun-asr")
        #expect(detail["status"] as? String == "OK")
        #expect(detail["gmt_modified"] as? String == "2025-09-25 01:37:36")

        clock.advance(by: .seconds(60))
        let (updateStatus, updated, _) = try await Self.call(
            server, #""action":"update_vocabulary","vocabulary_id":"\#(id)","vocabulary":[{"text":"阙里人家","weight":5}]"#)
        #expect(updateStatus == 200)
        #expect((updated["output"] as? [String: Any])?.isEmpty == true)
        let (_, requeried, _) = try await Self.call(server, #""action":"query_vocabulary","vocabulary_id":"\#(id)""#)
        let replaced = try #require(requeried["output"] as? [String: Any])
        #expect((replaced["vocabulary"] as? [[String: Any]])?.map { $0["text"] as? String } == ["阙里人家"])
        #expect(replaced["gmt_create"] as? String == "2025-09-25 01:37:36")
        #expect(replaced["gmt_modified"] as? String == "2025-09-25 01:38:36")

        let (deleteStatus, _, _) = try await Self.call(server, #""action":"delete_vocabulary","vocabulary_id":"\#(id)""#)
        #expect(deleteStatus == 200)
        let (goneStatus, gone, _) = try await Self.call(server, #""action":"query_vocabulary","vocabulary_id":"\#(id)""#)
        #expect(goneStatus == 400)
        #expect(gone["code"] as? String == "InvalidParameter")
        #expect((gone["message"] as? String)?.contains(id) == true)
        let (_, empty, _) = try await Self.call(server, #""action":"list_vocabulary""#)
        #expect(((empty["output"] as? [String: Any])?["vocabulary_list"] as? [Any])?.isEmpty == true)

        let recorded = server.simulator.receivedRequests()
        #expect(recorded.count == 8)
        #expect(recorded.allSatisfy { $0.method == "POST" && $0.path == customizationPath && $0.header("Authorization") == "Bearer \(testKey)" })
        #expect((recorded[0].bodyObject?["input"] as? [String: Any])?["prefix"] as? String == "testpfx")
    }

    @Test func listFiltersByPrefixAndPagesFromZero() async throws {
        let h = Harness()
        for prefix in ["alpha", "beta", "alpha"] {
            let body = Self.body(#""action":"create_vocabulary","target_model":"fun-asr","prefix":"\#(prefix)","vocabulary":\#(Self.words)"#)
            #expect(await h.send("POST", customizationPath, body: body).status == 200)
        }
        func ids(_ input: String) async -> [String] {
            let output = await h.send("POST", customizationPath, body: Self.body(input)).object["output"] as? [String: Any]
            return (output?["vocabulary_list"] as? [[String: Any]] ?? []).compactMap { $0["vocabulary_id"] as? String }
        }
        #expect(await ids(#""action":"list_vocabulary""#).count == 3)
        let alphas = await ids(#""action":"list_vocabulary","prefix":"alpha""#)
        #expect(alphas.count == 2 && alphas.allSatisfy { $0.hasPrefix("vocab-alpha-") })
        #expect(await ids(#""action":"list_vocabulary","page_index":1,"page_size":2"#).count == 1)
        #expect(await ids(#""action":"list_vocabulary","page_index":1,"page_size":2"#) != ids(#""action":"list_vocabulary","page_index":0,"page_size":2"#))
        #expect(await ids(#""action":"list_vocabulary","page_index":9"#).isEmpty)
    }

    static let create = #""action":"create_vocabulary","target_model":"fun-asr""#
    static let badBodies: [(String, Int, String)] = [
        (body(#""target_model":"fun-asr""#), 400, "InvalidParameter"),
        (body(#""action":"rename_vocabulary""#), 400, "InvalidParameter"),
        (body(#""action":"query_vocabulary""#), 400, "InvalidParameter"),
        (body(#""action":"query_vocabulary","vocabulary_id":5"#), 400, "InvalidParameter"),
        (#"{"input":{"action":"list_vocabulary"}}"#, 400, "BadRequest.EmptyModel"),
        (body(#""action":"list_vocabulary""#, model: "fun-asr"), 400, "InvalidParameter"),
        (#"{"model":"speech-biasing"}"#, 400, "BadRequest.EmptyInput"),
        (#"{"model":"speech-biasing","input":"#, 400, "InvalidParameter"),
        (body(create + #","prefix":"Upper","vocabulary":\#(words)"#), 400, "InvalidParameter"),
        (body(create + #","prefix":"abcdefghij","vocabulary":\#(words)"#), 400, "InvalidParameter"),
        (body(create + #","prefix":"a-b","vocabulary":\#(words)"#), 400, "InvalidParameter"),
        (body(#""action":"create_vocabulary","prefix":"ok","vocabulary":\#(words)"#), 400, "InvalidParameter"),
        (body(create + #","prefix":"ok","vocabulary":[]"#), 400, "InvalidParameter"),
        (body(create + #","prefix":"ok""#), 400, "InvalidParameter"),
        (body(create + #","prefix":"ok","vocabulary":[{"text":"x","weight":6}]"#), 400, "InvalidParameter"),
        (body(create + #","prefix":"ok","vocabulary":[{"text":"x","weight":"4"}]"#), 400, "InvalidParameter"),
        (body(create + #","prefix":"ok","vocabulary":[{"text":"一二三四五六七八九十一二三四五六","weight":4}]"#), 400, "InvalidParameter"),
        (body(create + #","prefix":"ok","vocabulary":[{"text":"one two three four five six seven eight","weight":4}]"#), 400, "InvalidParameter"),
        (body(create + #","prefix":"ok","vocabulary":[{"text":" ","weight":4}]"#), 400, "InvalidParameter"),
        (body(create + #","prefix":"ok","vocabulary":[{"text":"x","weight":4,"lang":7}]"#), 400, "InvalidParameter"),
        (body(#""action":"list_vocabulary","page_size":0"#), 400, "InvalidParameter"),
        (body(#""action":"list_vocabulary","page_index":-1"#), 400, "InvalidParameter"),
        (body(#""action":"update_vocabulary","vocabulary_id":"vocab-no-1","vocabulary":\#(words)"#), 400, "InvalidParameter"),
        (body(#""action":"delete_vocabulary","vocabulary_id":"vocab-no-1""#), 400, "InvalidParameter"),
    ]

    @Test(arguments: badBodies)
    func badInputIsRefusedInDashScopesErrorShape(body: String, status: Int, code: String) async {
        let h = Harness()
        let response = await h.send("POST", customizationPath, body: body)
        #expect(response.status == status, "\(body)")
        #expect(response.code == code, "\(body): \(response.text)")
        #expect(response.object["request_id"] as? String == response.headers["x-request-id"])
    }

    @Test func limitsThatAreAllowed() async {
        let h = Harness()
        let longest = #"[{"text":"一二三四五六七八九十一二三四五","weight":1},{"text":"one two three four five six seven","weight":5}]"#
        let created = await h.send("POST", customizationPath, body: Self.body(Self.create + #","prefix":"abc123456","vocabulary":\#(longest)"#))
        #expect(created.status == 200, "\(created.text)")
    }

    @Test func keyMethodAndFaultsLikeTheOtherEndpoints() async throws {
        let h = Harness()
        let list = Self.body(#""action":"list_vocabulary""#)
        #expect(await h.send("POST", customizationPath, body: list, key: nil).code == "InvalidApiKey")
        #expect(await h.send("POST", customizationPath, body: list, key: "sk-wrong").status == 401)
        #expect(await h.send("GET", customizationPath).status == 405)
        let queued = await h.send("POST", "/simulator/faults", body: #"{"endpoint":"customization","fault":"throttled","retry_after":3}"#, key: nil)
        #expect(queued.status == 200)
        #expect(await h.send("POST", submitPath, body: "{}").status != 429, "the fault waits for its endpoint")
        let throttled = await h.send("POST", customizationPath, body: list)
        #expect(throttled.status == 429)
        #expect(throttled.headers["Retry-After"] == "3")
        #expect(await h.send("POST", customizationPath, body: list).status == 200)
        #expect(h.simulator.receivedRequests().filter { $0.path == customizationPath }.count == 5)
    }
}
