import DashScopeSimulator
@testable import Gateway
import Testing

/// A finished job whose result document cannot be downloaded, through the real server: the download is tried
/// again after a wait, not on every poll of the job (clients' GETs and the background poller's rounds), and the
/// first poll after the wait keeps the documents.
@Suite struct DocumentRetryTests {
    static func downloads(_ h: GatewayHarness) -> Int {
        h.simulator.receivedRequests().filter { $0.path.hasPrefix("/results/") }.count
    }

    static func queries(_ h: GatewayHarness, _ id: String) -> Int {
        h.simulator.receivedRequests().filter { $0.path == "/api/v1/tasks/\(id)" }.count
    }

    static func status(_ response: ClientResponse) -> String? { response.json["status"] as? String }

    @Test func aFailingDocumentWaitsOutItsRetryInsteadOfBeingDownloadedOnEveryPoll() async throws {
        let hour = DocumentRetrySchedule(base: .seconds(3600), cap: .seconds(3600))
        try await GatewayHarness.with(configure: { $0.documentRetries = hour }) { h in
            let id = try await InlineTranscriptsTests.submitAndFinish(h, files: 1)
            // DashScope's signed result URL answers 403 (as an expired one does) from now on.
            h.simulator.inject(.forbidden, for: .result, count: 1000)
            let first = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(first.status == 200 && Self.status(first) == "SUCCEEDED")
            #expect(Self.downloads(h) == 1, "the GET that saw the job end tried to keep its document")
            for _ in 0..<4 {
                let again = try await h.request("GET", "/v1/transcriptions/\(id)")
                #expect(again.status == 200 && Self.status(again) == "SUCCEEDED", "the answer does not need the document")
            }
            #expect(Self.downloads(h) == 1, "no download while the wait lasts")
            #expect(h.logs.text.components(separatedBy: "result document not kept").count == 2, "one warning")
            #expect(h.logs.text.contains("retry_after_ms=3600000"))

            // The background poller passes the job by: no query, no download.
            let queried = Self.queries(h, id)
            #expect(await h.gateway.poller.round().isEmpty)
            #expect(Self.queries(h, id) == queried)
            #expect(Self.downloads(h) == 1)

            // A client asking for the transcript itself still gets a download of its own (and DashScope's refusal).
            let transcript = try await h.request("GET", "/v1/transcriptions/\(id)/transcript")
            #expect(transcript.status == 410, "an expired result: \(transcript.text)")
            #expect(Self.downloads(h) == 2)
            h.assertNoSecretLeaked()
        }
    }

    @Test func theFirstPollAfterTheWaitKeepsTheDocuments() async throws {
        let short = DocumentRetrySchedule(base: .milliseconds(1), cap: .milliseconds(1))
        try await GatewayHarness.with(configure: { $0.documentRetries = short }) { h in
            let id = try await InlineTranscriptsTests.submitAndFinish(h, files: 2)
            h.simulator.inject(.forbidden, for: .result, count: 1)
            let first = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(Self.status(first) == "SUCCEEDED")
            #expect(Self.downloads(h) == 1, "the first document failed; the second was not tried")
            // Polls within the millisecond download nothing; the first one after it keeps both documents.
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            while Self.downloads(h) == 1, clock.now < deadline {
                _ = try await h.request("GET", "/v1/transcriptions/\(id)")
            }
            #expect(Self.downloads(h) == 3)
            #expect(h.gateway.poller.keeper.documentRetries.count == 0, "kept documents forget the failures")
            #expect(h.simulator.forgetTask(id))
            let kept = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(kept.header("X-FunASR-Source") == "store")
            #expect(Self.downloads(h) == 3)
        }
    }

    @Test func jobsWaitingOutAFailedDownloadDoNotCrowdNewerJobsOutOfThePollersBatch() async throws {
        let lifecycle = ManualSimulatorClock()
        let hour = DocumentRetrySchedule(base: .seconds(3600), cap: .seconds(3600))
        try await GatewayHarness.with(simulatorClock: lifecycle, configure: { $0.documentRetries = hour }) { h in
            let old = try await JobPollerTests.submit(h, "old")
            lifecycle.advance(by: .seconds(60))  // the old job ends
            h.simulator.inject(.forbidden, for: .result, count: 1000)
            let ended = try await h.request("GET", "/v1/transcriptions/\(old)")
            #expect(Self.status(ended) == "SUCCEEDED")
            #expect(Self.downloads(h) == 1, "its download failed: it waits an hour")
            let open = try await JobPollerTests.submit(h, "open")  // newer, and open until the clock moves again
            var poller = h.gateway.poller
            poller.batch = 1
            #expect(await poller.round() == [open], "the batch of one went to the open job, past the waiting one")
        }
    }
}
