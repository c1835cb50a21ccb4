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

    /// The issue's figure at its scale: 1,000 concurrent `?wait` clients, each on its own keep-alive connection
    /// (one HTTP client whose pool holds 1,000 connections to the gateway), on 50 tasks.
    static let waiters = 1_000
    static let tasks = 50

    @Test func aThousandWaitersOnFiftyTasksStayUnderTheQueryBudget() async throws {
        var quick = SimulatorConfiguration.fastForTests
        quick.pendingDuration = .milliseconds(1000)
        quick.runningDuration = .milliseconds(1500)
        let rate = 20.0
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.pollRate = rate
            $0.maxWaiters = Self.waiters  // every waiter holds a wait slot (past the limit a wait is skipped)
            $0.perIPConnectionLimit = 0  // all 1,000 connections come from 127.0.0.1
            $0.connectionLimit = 4 * Self.waiters
        }
        try await GatewayHarness.with(simulatorConfiguration: quick, configure: configure) { h in
            var ids: [String] = []
            for index in 0..<Self.tasks { ids.append(try await Self.submit(h, "t\(index)")) }
            let queries = { h.simulator.receivedRequests().filter { $0.path.hasPrefix("/api/v1/tasks/") }.count }
            var pool = HTTPClient.Configuration().connectionPool
            pool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.waiters
            pool.idleTimeout = .seconds(60)
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = pool
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let base = h.base
            let before = queries()
            let started = ContinuousClock.now
            var statuses: [String?] = []
            var failure: (any Error)?
            do {
                statuses = try await withThrowingTaskGroup(of: String?.self) { group in
                    for waiter in 0..<Self.waiters {
                        let id = ids[waiter % ids.count]
                        group.addTask {
                            let response = try await client.execute(
                                HTTPClientRequest(url: base + "/v1/transcriptions/\(id)?wait=60"), timeout: .seconds(90))
                            let body = try await response.body.collect(upTo: 1 << 20)
                            guard response.headers.first(name: "X-FunASR-Wait") == nil else { return "skipped" }
                            let json = try JSONSerialization.jsonObject(with: Data(Array(buffer: body))) as? [String: Any]
                            return json?["status"] as? String
                        }
                    }
                    return try await group.reduce(into: [String?]()) { $0.append($1) }
                }
            } catch {
                failure = error
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            try await client.shutdown()
            if let failure { throw failure }
            let sent = queries() - before
            print("job poller: \(Self.waiters) waiters on \(Self.tasks) tasks sent \(sent) task queries in \(seconds) s at a budget of \(rate)/s")
            #expect(statuses.count == Self.waiters)
            #expect(statuses.allSatisfy { $0 == "SUCCEEDED" }, "\(Set(statuses.map { $0 ?? "nil" }))")
            #expect(Double(sent) <= rate * seconds + rate + 1, "the budget (\(rate)/s, burst \(rate)) was exceeded")
            #expect(sent >= Self.tasks, "every task was asked about")
            #expect(sent < Self.waiters / 4, "concurrent waiters of one task share queries")
        }
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
