import Foundation
import MicroHTTPServer
import Testing
@testable import DashScopeSimulator

@Suite struct ListTests {
    func list(_ h: Harness, _ query: [(String, String)] = [], path: String = "/api/v1/tasks") async -> [String: Any] {
        await h.send("GET", path, query: query).object
    }

    func ids(_ answer: [String: Any]) -> [String] {
        (answer["data"] as? [[String: Any]] ?? []).compactMap { $0["task_id"] as? String }
    }

    @Test(arguments: ["/api/v1/tasks", "/api/v1/tasks/"])
    func flatAnswerNewestFirst(path: String) async throws {
        let h = Harness()
        let first = try await h.submit(["https://e.com/a.wav"])
        h.clock.advance(by: .seconds(5))
        let second = try await h.submit(["https://e.com/b.wav"], model: "fun-asr-mtl")
        let answer = await list(h, path: path)
        #expect(answer["output"] == nil)
        #expect(answer["total"] as? Int == 2)
        #expect(answer["total_page"] as? Int == 1)
        #expect(answer["page_no"] as? Int == 1)
        #expect(answer["page_size"] as? Int == 10)
        #expect(answer["request_id"] is String)
        #expect(ids(answer) == [second, first])
        let items = try #require(answer["data"] as? [[String: Any]])
        let done = items[1]
        #expect(done["status"] as? String == "SUCCEEDED")
        #expect(done["model_name"] as? String == "fun-asr")
        #expect(done["gmt_create"] as? Int == 1_758_735_456_000)
        #expect(done["start_time"] as? Int == 1_758_735_457_000)
        #expect(done["end_time"] as? Int == 1_758_735_459_000)
        #expect(done["region"] as? String == "cn-beijing")
        #expect(done["user_api_unique_key"] as? String == "apikey:v1:audio:asr:transcription:fun-asr")
        #expect(done["api_key_id"] is String)
        #expect(!(done["api_key_id"] as? String ?? "").contains(testKey))
        let pending = items[0]
        #expect(pending["status"] as? String == "PENDING")
        #expect(pending["end_time"] == nil)
        #expect(pending["start_time"] == nil)
    }

    @Test func filters() async throws {
        let h = Harness()
        let a = try await h.submit(["https://e.com/a.wav"])
        let b = try await h.submit(["https://e.com/fail.wav"], model: "fun-asr-mtl")
        h.clock.advance(by: .seconds(5))
        let c = try await h.submit(["https://e.com/c.wav"])
        #expect(ids(await list(h, [("task_id", b)])) == [b])
        #expect(ids(await list(h, [("status", "PENDING")])) == [c])
        #expect(ids(await list(h, [("status", "FAILED")])) == [b])
        #expect(ids(await list(h, [("status", "SUCCEEDED")])) == [a])
        #expect(ids(await list(h, [("model_name", "fun-asr-mtl")])) == [b])
        #expect(ids(await list(h, [("status", "UNKNOWN")])).isEmpty)
        // Submitted at 01:37:36 and 01:37:41 (UTC+8).
        #expect(ids(await list(h, [("start_time", "20250925013740")])) == [c])
        #expect(ids(await list(h, [("end_time", "20250925013740")])) == [b, a])
        #expect(ids(await list(h, [("start_time", "20250925013700"), ("end_time", "20250925013736")])) == [b, a])
        #expect(ids(await list(h, [("start_time", "20250926013700")])).isEmpty)
    }

    @Test func defaultWindowIsTheLastDay() async throws {
        let h = Harness()
        _ = try await h.submit(["https://e.com/a.wav"])
        h.clock.advance(by: .seconds(20 * 3600))
        let fresh = try await h.submit(["https://e.com/b.wav"])
        h.clock.advance(by: .seconds(5 * 3600))
        #expect(ids(await list(h)) == [fresh])
    }

    @Test func paging() async throws {
        let h = Harness()
        var submitted: [String] = []
        for index in 0..<5 {
            submitted.append(try await h.submit(["https://e.com/\(index).wav"]))
            h.clock.advance(by: .milliseconds(10))
        }
        let page = await list(h, [("page_no", "2"), ("page_size", "2")])
        #expect(page["total"] as? Int == 5)
        #expect(page["total_page"] as? Int == 3)
        #expect(page["page_no"] as? Int == 2)
        #expect(page["page_size"] as? Int == 2)
        #expect(ids(page) == [submitted[2], submitted[1]])
        #expect(ids(await list(h, [("page_no", "3"), ("page_size", "2")])) == [submitted[0]])
    }

    @Test(arguments: [
        [("start_time", "2025-09-25")], [("page_no", "0")], [("page_size", "x")], [("status", "DONE")],
        [("start_time", "20250925000000"), ("end_time", "20250926000001")],
    ])
    func badFiltersAre400(query: [(String, String)]) async {
        let h = Harness()
        let response = await h.send("GET", "/api/v1/tasks", query: query)
        #expect(response.status == 400)
        #expect(response.code == "InvalidParameter")
    }

    @Test func listNeedsTheKey() async {
        let h = Harness()
        #expect(await h.send("GET", "/api/v1/tasks", key: nil).status == 401)
    }
}
