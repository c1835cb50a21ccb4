import DashScopeSimulator
import Foundation
@testable import Gateway
import Testing

/// A client polling one open task in a tight loop is answered from the last query for the reuse window instead of
/// waiting for the global query budget each time, still sees the task end, and never gets an error answered twice.
@Suite struct TaskAnswerReuseTests {
    static let window: Duration = .milliseconds(250)

    @Test func aTightPollingLoopSeesTheTaskEndAndCostsAtMostOneQueryPerWindow() async throws {
        var slow = SimulatorConfiguration.fastForTests
        // Long enough that a loaded machine still fits several GETs before the task ends (400 ms each once saw
        // the first GET answer SUCCEEDED in a loaded full run).
        slow.pendingDuration = .milliseconds(1200)
        slow.runningDuration = .milliseconds(1200)
        try await GatewayHarness.with(simulatorConfiguration: slow, configure: {
            $0.taskAnswerReuse = Self.window
            $0.pollRate = 2  // without reuse, every GET past the first two would wait half a second for a token
        }) { h in
            let id = try await JobPollerTests.submit(h, "tight-loop")
            let queries = { h.simulator.receivedRequests().filter { $0.path == "/api/v1/tasks/\(id)" }.count }
            let started = ContinuousClock.now
            var gets = 0
            var status = ""
            while status != "SUCCEEDED", ContinuousClock.now - started < .seconds(30) {
                let answer = try await h.request("GET", "/v1/transcriptions/\(id)")
                #expect(answer.status == 200)
                status = answer.json["status"] as? String ?? ""
                gets += 1
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let sent = queries()
            #expect(status == "SUCCEEDED", "the loop saw the task end")
            #expect(sent < gets, "\(gets) GETs in \(seconds) s reused answers (\(sent) upstream queries)")
            #expect(Double(sent) <= seconds / (Self.window / .seconds(1)) + 2, "at most one query per window")
        }
    }

    @Test func anErrorIsNotReusedAndTheNextGetAsksAgain() async throws {
        try await GatewayHarness.with(configure: { $0.taskAnswerReuse = .seconds(60) }) { h in
            let id = try await JobPollerTests.submit(h, "fault")
            h.simulator.inject(.httpError(status: 400, code: "InvalidParameter", message: "injected"), for: .query)
            let failed = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(failed.status >= 400)
            let first = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(first.status == 200, "the error was not kept")
            let queriesAfterFirst = h.simulator.receivedRequests().filter { $0.path == "/api/v1/tasks/\(id)" }.count
            let second = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(second.status == 200)
            #expect(second.json["status"] as? String == first.json["status"] as? String)
            let queriesAfterSecond = h.simulator.receivedRequests().filter { $0.path == "/api/v1/tasks/\(id)" }.count
            #expect(queriesAfterSecond == queriesAfterFirst, "the answer inside the window was reused")
        }
    }
}
