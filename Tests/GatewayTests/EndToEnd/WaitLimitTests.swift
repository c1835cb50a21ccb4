import DashScopeSimulator
import Foundation
import Testing

/// `?wait=` long polls: bounded in number, and DashScope's throttling does not end one.
@Suite struct WaitLimitTests {
    static func submit(_ h: GatewayHarness) async throws -> String {
        let submitted = try await h.request("POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#))
        return try #require(submitted.json["task_id"] as? String)
    }

    static func queries(_ h: GatewayHarness, _ id: String) -> Int {
        h.simulator.receivedRequests().filter { $0.path == "/api/v1/tasks/\(id)" }.count
    }

    @Test func pastTheWaiterLimitTheCurrentStateIsAnsweredWithoutWaiting() async throws {
        var slow = SimulatorConfiguration.fastForTests
        slow.pendingDuration = .seconds(60)
        try await GatewayHarness.with(simulatorConfiguration: slow, configure: { $0.maxWaiters = 1 }) { h in
            let id = try await Self.submit(h)
            // The holder keeps its slot for 6 s, long enough for a busy test process to send the second request
            // while it waits; the second asks for 1 s, so a wait it was wrongly granted stays short.
            let holder = Task { try await h.request("GET", "/v1/transcriptions/\(id)?wait=6") }
            while Self.queries(h, id) == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let skipped = try await h.request("GET", "/v1/transcriptions/\(id)?wait=1")
            #expect(skipped.status == 200)
            #expect(skipped.json["status"] as? String == "PENDING")
            #expect(skipped.header("X-FunASR-Wait") == "skipped")
            let held = try await holder.value
            #expect(held.status == 200)
            #expect(held.json["status"] as? String == "PENDING")
            #expect(held.header("X-FunASR-Wait") == nil)
            // The slot is free again.
            let again = try await h.request("GET", "/v1/transcriptions/\(id)?wait=1")
            #expect(again.header("X-FunASR-Wait") == nil)
        }
    }

    @Test func throttlingDuringAWaitBacksOffAndKeepsPolling() async throws {
        try await GatewayHarness.with { h in
            let id = try await Self.submit(h)
            h.simulator.inject(.throttled(retryAfterSeconds: 1), for: .query, count: 3)
            let task = try await h.request("GET", "/v1/transcriptions/\(id)?wait=20")
            #expect(task.status == 200)
            #expect(task.json["status"] as? String == "SUCCEEDED")
            #expect(Self.queries(h, id) >= 4)
        }
    }

    @Test func onlyAThrottledLastPollEndsAWaitWithTheError() async throws {
        try await GatewayHarness.with { h in
            let id = try await Self.submit(h)
            h.simulator.inject(.throttled(retryAfterSeconds: 1), for: .query, count: 1000)
            // Without a wait: the queries the client itself makes for one look (it may retry a 429 a few times).
            let before = Self.queries(h, id)
            let once = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(once.status == 429)
            let perLook = Self.queries(h, id) - before
            // One look costs about 2 s (the client waits out Retry-After: 1 twice); 10 s leaves room for a second
            // look even at sanitizer speed (with 3 s, a slow first look was the only one).
            let task = try await h.request("GET", "/v1/transcriptions/\(id)?wait=10")
            h.simulator.clearFaults()
            #expect(task.status == 429)
            #expect(task.error["code"] as? String == "Throttling.RateQuota")
            #expect(task.header("Retry-After") != nil)
            let waited = Self.queries(h, id) - before - perLook
            #expect(waited > perLook, "the wait ended at the first throttled poll (\(waited) queries, \(perLook) per look)")
        }
    }
}
