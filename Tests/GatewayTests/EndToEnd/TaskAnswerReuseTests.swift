import DashScope
import DashScopeSimulator
import Foundation
import JSON
@testable import Gateway
import Testing

/// A client polling one open task in a tight loop is answered from the last query for the reuse window instead of
/// waiting for the global query budget each time, still sees the task end, and never gets an error answered twice.
@Suite struct TaskAnswerReuseTests {
    static let window: Duration = .seconds(1)

    @Test func aTightPollingLoopSeesTheTaskEndAndCostsAtMostOneQueryPerWindow() async throws {
        // The double's task stays open until the test moves its clock, so a loaded machine cannot end it early.
        let lifecycle = ManualSimulatorClock()
        try await GatewayHarness.with(simulatorClock: lifecycle, configure: {
            $0.taskAnswerReuse = Self.window
            $0.pollRate = 2  // without reuse, every GET past the first two would wait half a second for a token
        }) { h in
            let id = try await JobPollerTests.submit(h, "tight-loop")
            let queries = { h.simulator.receivedRequests().filter { $0.path == "/api/v1/tasks/\(id)" }.count }
            let clock = ContinuousClock()
            let started = clock.now
            var gets = 0
            var status = ""
            var lastQueryStarted: ContinuousClock.Instant?
            var reusedInsideWindow = 0
            var taskEnded: ContinuousClock.Instant?
            while status != "SUCCEEDED", clock.now - started < .seconds(30) {
                if taskEnded == nil, reusedInsideWindow >= 3 {
                    lifecycle.advance(by: .seconds(10))
                    taskEnded = clock.now
                }
                let before = clock.now
                let sentBefore = queries()
                let answer = try await h.request("GET", "/v1/transcriptions/\(id)")
                let queried = queries() > sentBefore
                let after = clock.now
                #expect(answer.status == 200)
                status = answer.json["status"] as? String ?? ""
                gets += 1
                // An answer that reached DashScope during a GET was kept no earlier than that GET began, so a GET that
                // ended less than one window after that beginning must have been answered from it, however slow the
                // machine; timing only decides how often the check applies.
                if let last = lastQueryStarted, after - last < Self.window {
                    #expect(!queried, "GET \(gets) ended \(after - last) after the last query began, yet asked DashScope")
                    if !queried { reusedInsideWindow += 1 }
                }
                if queried { lastQueryStarted = before }
            }
            let seconds = (clock.now - started) / .seconds(1)
            let sent = queries()
            #expect(status == "SUCCEEDED", "the loop saw the task end")
            #expect(reusedInsideWindow >= 3, "\(gets) GETs in \(seconds) s, \(reusedInsideWindow) answered from a kept answer")
            #expect(sent < gets, "\(gets) GETs reused answers (\(sent) upstream queries)")
            #expect(Double(sent) <= seconds / (Self.window / .seconds(1)) + 2, "at most one query per window")
            if let taskEnded {
                let seen = (clock.now - taskEnded) / .seconds(1)
                #expect(seen < 10, "the end was seen \(seen) s after it happened (one window plus a GET expected)")
            }
        }
    }

    @Test func pollingAnOpenJobWithAReusedAnswerWritesNothingToTheStore() async throws {
        let path = SQLiteJobStoreTests.temporaryPath()
        let lifecycle = ManualSimulatorClock()  // the task stays PENDING
        try await GatewayHarness.with(simulatorClock: lifecycle, configure: {
            $0.store = .file(path)
            $0.taskAnswerReuse = .seconds(60)
        }) { h in
            let id = try await JobPollerTests.submit(h, "quiet-store")
            let first = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(first.json["status"] as? String == "PENDING")
            // data_version changes when another connection commits: the gateway's writes, seen from here.
            let observer = try SQLiteDatabase(path: path)
            let version = { try observer.query("PRAGMA data_version").first?.first?.int }
            let before = try version()
            for _ in 0..<5 {
                let again = try await h.request("GET", "/v1/transcriptions/\(id)")
                #expect(again.status == 200 && again.json["status"] as? String == "PENDING")
            }
            #expect(try version() == before, "five GETs answered from the kept answer wrote to the store")
            let stored = try observer.query("SELECT status, upstream_view IS NOT NULL FROM jobs WHERE task_id = ?", [.text(id)])
            #expect(stored == [[.text("PENDING"), .integer(1)]], "the first GET's view was written")
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

    @Test func theViewsOfAKeptAnswerAreItsOwnAndAChangedAnswerGetsItsOwn() async throws {
        let lifecycle = ManualSimulatorClock()  // the task stays PENDING
        try await GatewayHarness.with(simulatorClock: lifecycle, configure: { $0.taskAnswerReuse = .seconds(60) }) { h in
            let id = try await JobPollerTests.submit(h, "views")
            let queries = h.gateway.poller.keeper.queries
            let answer = try await queries.task(id, CallContext())
            let pending = answer.dashScopeJSON.serialized()
            #expect(queries.view(of: answer) == pending)
            #expect(queries.view(of: try await queries.task(id, CallContext())) == pending, "the reused answer's view")
            // An answer for the same task that is not the kept one (here: the task ended) is serialized for itself,
            // and the kept one's view stays.
            var ended = answer
            ended.output.taskStatus = .succeeded
            #expect(queries.view(of: ended) == ended.dashScopeJSON.serialized())
            #expect(queries.view(of: ended) != pending)
            #expect(queries.view(of: answer) == pending)
            // The same for the answer in the local API's shape.
            let rendered = TaskView.render(answer)
            #expect(queries.rendered(of: answer) == rendered)
            #expect(queries.rendered(of: ended) == TaskView.render(ended))
            #expect(queries.rendered(of: ended) != rendered)
            #expect(queries.rendered(of: answer) == rendered)
        }
    }
}
