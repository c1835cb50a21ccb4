import AsyncHTTPClient
import DashScopeSimulator
import Foundation
import NIOCore
@testable import Gateway
import Testing

/// Tests at the scale the issues name. `make test` runs this suite on its own after the rest of the suite (`swift
/// test --filter ScaleTests`): 1,000 connections and waiters on 2 cores starved the tests running beside them
/// (two stalled-client tests missed their 10 s reads while it ran).
@Suite struct ScaleTests {
    /// The issue's figure at its scale: 1,000 concurrent `?wait` clients, each on its own keep-alive connection
    /// (one HTTP client whose pool holds 1,000 connections to the gateway), on 50 tasks.
    static let waiters = 1_000
    static let tasks = 50

    @Test func aThousandWaitersOnFiftyTasksStayUnderTheQueryBudget() async throws {
        var quick = SimulatorConfiguration.fastForTests
        // Long enough that every task is still open when the waiters arrive, so they share queries for a while.
        quick.pendingDuration = .milliseconds(2000)
        quick.runningDuration = .milliseconds(2000)
        let rate = 20.0
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.pollRate = rate
            $0.maxWaiters = Self.waiters  // every waiter holds a wait slot (past the limit a wait is skipped)
            $0.perIPConnectionLimit = 0  // all 1,000 connections come from 127.0.0.1
            $0.connectionLimit = 4 * Self.waiters
        }
        try await GatewayHarness.with(simulatorConfiguration: quick, configure: configure) { h in
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<Self.tasks { group.addTask { try await JobPollerTests.submit(h, "t\(index)") } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
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
            #expect(sent > Self.tasks, "every task was asked about, most more than once")
            #expect(sent < Self.waiters / 4, "concurrent waiters of one task share queries")
        }
    }
}
