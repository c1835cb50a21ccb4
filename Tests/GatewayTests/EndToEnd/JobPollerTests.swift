import AsyncHTTPClient
import DashScopeSimulator
import Foundation
import NIOCore
@testable import Gateway
import Testing

/// The query budget and the background poller through the real server: many waiters on a few tasks share
/// queries and stay under the budget; a job nobody asks about is followed to its end and its results kept.
@Suite struct JobPollerTests {
    static func submit(_ h: GatewayHarness, _ name: String) async throws -> String {
        let submitted = try await h.request(
            "POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/\#(name).wav"}"#),
            headers: [("Content-Type", "application/json")])
        return try #require(submitted.json["task_id"] as? String)
    }

    @Test func aJobNobodyAsksAboutIsFollowedAndKept() async throws {
        try await GatewayHarness.with(configure: { $0.backgroundPolling = true }) { h in
            let id = try await Self.submit(h, "unattended")
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            var kept = false
            while !kept, clock.now < deadline {
                let list = try await h.request("GET", "/v1/transcriptions?source=store")
                let tasks = (list.json["tasks"] as? [[String: Any]]) ?? []
                kept = tasks.contains { $0["task_id"] as? String == id && $0["results_kept"] as? Bool == true }
                if !kept { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(kept, "the poller followed the job to its end and kept its result")
            h.simulator.forgetTask(id)
            let text = try await h.request("GET", "/v1/transcriptions/\(id)/transcript?format=text")
            #expect(text.status == 200)
            #expect(text.header("Content-Type")?.hasPrefix("text/plain") == true)
        }
    }

    @Test func aJobDashScopeForgotIsNoLongerFollowed() async throws {
        var slow = SimulatorConfiguration.fastForTests
        slow.pendingDuration = .seconds(30)
        try await GatewayHarness.with(simulatorConfiguration: slow, configure: { $0.backgroundPolling = true }) { h in
            let id = try await Self.submit(h, "forgotten")
            h.simulator.forgetTask(id)
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            var status: String?
            while status != "UNKNOWN", clock.now < deadline {
                let list = try await h.request("GET", "/v1/transcriptions?source=store")
                status = ((list.json["tasks"] as? [[String: Any]]) ?? []).first { $0["task_id"] as? String == id }?["status"] as? String
                if status != "UNKNOWN" { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(status == "UNKNOWN", "the poller marked the forgotten job")
            let list = try await h.request("GET", "/v1/transcriptions?source=store&status=UNKNOWN")
            #expect(((list.json["tasks"] as? [[String: Any]]) ?? []).first?["ended_at"] is String)
        }
    }

    @Test func aThrottledBudgetSlowsDownAndRecovers() async throws {
        let budget = QueryBudget(rate: 8)
        let start = ContinuousClock.now
        #expect(budget.currentRate(at: start) == 8)
        budget.throttled(retryAfter: .milliseconds(200), at: start)
        #expect(budget.currentRate(at: start) == 4)
        budget.throttled(retryAfter: .milliseconds(200), at: start + .milliseconds(10))
        #expect(budget.currentRate(at: start + .milliseconds(10)) == 2, "a second 429 while slowed halves again")
        #expect(budget.currentRate(at: start + .milliseconds(300)) == 8, "the rate recovers once the Retry-After has passed")
    }
}
