import DashScopeSimulator
import Foundation
import Testing

/// `?include=transcripts` on a task with many files: downloads bounded in number and inlined bytes bounded.
@Suite struct InlineTranscriptsTests {
    static func submitAndFinish(_ h: GatewayHarness, files: Int) async throws -> String {
        let urls = (0..<files).map { #""https://example.com/file-\#($0).wav""# }.joined(separator: ", ")
        let submitted = try await h.request("POST", "/v1/transcriptions", body: jsonBody(#"{"file_urls": [\#(urls)]}"#))
        let id = try #require(submitted.json["task_id"] as? String)
        // Waited for through the native route, which relays without the job store: a local GET that saw the task
        // end would keep its documents, and `include=transcripts` would then answer from the store instead of
        // exercising the bounded downloads these tests are about.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(20))
        var status: String?
        while clock.now < deadline {
            let task = try await h.request("GET", "/api/v1/tasks/\(id)")
            status = (task.json["output"] as? [String: Any])?["task_status"] as? String
            if status == "SUCCEEDED" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(status == "SUCCEEDED")
        return id
    }

    @Test func atMostFourDocumentsDownloadAtOnce() async throws {
        try await GatewayHarness.with { h in
            let id = try await Self.submitAndFinish(h, files: 12)
            // Each download holds its answer 200 ms, so unbounded downloads would all overlap.
            h.simulator.inject(.slowFirstByte(seconds: 0.2), for: .result, count: 12)
            let task = try await h.request("GET", "/v1/transcriptions/\(id)?include=transcripts")
            #expect(task.status == 200)
            let files = try #require(task.json["files"] as? [[String: Any]])
            #expect(files.count == 12)
            #expect(files.allSatisfy { $0["transcript"] is [String: Any] && $0["transcript_error"] == nil })
            let peak = h.simulator.peakConcurrentRequests(to: .result)
            print("inline transcripts: at most \(peak) result downloads at once")
            #expect(peak >= 1 && peak <= 4, "\(peak) result documents were downloaded at once")
        }
    }

    @Test func anOversizedDocumentIsRefusedForItsFileWithoutBeingReadWhole() async throws {
        let budget = 64 << 10
        try await GatewayHarness.with(configure: { $0.inlineTranscriptsBudget = budget }) { h in
            let id = try await Self.submitAndFinish(h, files: 3)
            // One download answers a 1 GiB document, written only as fast as the gateway reads it: reading stops
            // past the budget (a larger document can never be inlined) instead of holding a gigabyte.
            h.simulator.inject(.oversizedBody(bytes: 1 << 30), for: .result, count: 1)
            let task = try await h.request("GET", "/v1/transcriptions/\(id)?include=transcripts")
            #expect(task.status == 200)
            let files = try #require(task.json["files"] as? [[String: Any]])
            #expect(files.count == 3)
            let refused = files.indices.filter { files[$0]["transcript"] == nil }
            #expect(refused.count == 1, "exactly the file whose download was oversized: \(refused)")
            for index in refused {
                let error = try #require(files[index]["transcript_error"] as? [String: Any])
                #expect(error["code"] as? String == "transcript_too_large")
                let message = try #require(error["message"] as? String)
                #expect(message.contains("over \(budget) bytes"), "\(message)")
                #expect(message.contains("/v1/transcriptions/\(id)/transcript?file=\(index)"), "\(message)")
            }
            #expect(files.filter { $0["transcript"] is [String: Any] }.count == 2, "the other files are inlined")
        }
    }

    @Test func documentsPastTheBudgetPointAtTheTranscriptRoute() async throws {
        let budget = 5000
        try await GatewayHarness.with(configure: { $0.inlineTranscriptsBudget = budget }) { h in
            let id = try await Self.submitAndFinish(h, files: 12)
            var sizes: [Int] = []
            for file in 0..<12 {
                sizes.append(try await h.request("GET", "/v1/transcriptions/\(id)/transcript?file=\(file)").body.count)
            }
            // Accepted in file order while they fit.
            var remaining = budget
            let expectedInline = sizes.map { size in
                guard size <= remaining else { return false }
                remaining -= size
                return true
            }
            #expect(expectedInline.contains(true) && expectedInline.contains(false), "sizes \(sizes) do not exercise the budget")
            let task = try await h.request("GET", "/v1/transcriptions/\(id)?include=transcripts")
            #expect(task.status == 200)
            let files = try #require(task.json["files"] as? [[String: Any]])
            #expect(files.count == 12)
            for (index, file) in files.enumerated() {
                if expectedInline[index] {
                    #expect(file["transcript"] is [String: Any], "file \(index)")
                } else {
                    #expect(file["transcript"] == nil, "file \(index)")
                    let error = try #require(file["transcript_error"] as? [String: Any], "file \(index)")
                    #expect(error["code"] as? String == "transcript_too_large")
                    #expect((error["message"] as? String)?.contains("/v1/transcriptions/\(id)/transcript?file=\(index)") == true)
                }
            }
        }
    }
}
