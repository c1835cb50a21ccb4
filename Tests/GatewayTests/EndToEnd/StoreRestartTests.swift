import DashScopeSimulator
import Foundation
import Testing

extension BinaryProcessTests {
    /// The real binary with an SQLite store, killed with SIGKILL and started again on the same file: a finished
    /// job is answered (transcript included) although DashScope forgot it, and a job still open at the kill is
    /// followed to its end by the background poller after the restart, without any client asking.
    @Suite struct StoreRestartTests {
        @Test func aKilledGatewayLosesNoJob() async throws {
            let simulator = SimulatorServer(simulator: Simulator(configuration: .fastForTests))
            try simulator.start()
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("restart-\(UUID().uuidString).sqlite").path
            let arguments = ["--listen", "127.0.0.1:0", "--base-url", simulator.baseURL, "--store", path]
            let environment = ["DASHSCOPE_API_KEY": SimulatorConfiguration.testAPIKey]
            let json = [("Content-Type", "application/json")]

            let first = try GatewayProcess(arguments, environment: environment)
            var base = "http://127.0.0.1:\(try await first.port())"
            let done = try await send("POST", base + "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://e.com/a.wav", "label": "kept"}"#), headers: json)
            let doneID = try #require(done.json["task_id"] as? String)
            let finished = try await send("GET", base + "/v1/transcriptions/\(doneID)?wait=20")
            #expect(finished.json["status"] as? String == "SUCCEEDED")
            let srt = try await send("GET", base + "/v1/transcriptions/\(doneID)/transcript?format=srt")
            #expect(srt.status == 200)
            let open = try await send("POST", base + "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://e.com/b.wav", "label": "open"}"#), headers: json)
            let openID = try #require(open.json["task_id"] as? String)
            first.process.kill()
            #expect(try await first.exitStatus() == SIGKILL)

            simulator.simulator.forgetTask(doneID)
            let second = try GatewayProcess(arguments, environment: environment)
            base = "http://127.0.0.1:\(try await second.port())"
            let kept = try await send("GET", base + "/v1/transcriptions/\(doneID)")
            #expect(kept.status == 200)
            #expect(kept.json["status"] as? String == "SUCCEEDED")
            #expect(kept.json["label"] as? String == "kept")
            let keptSRT = try await send("GET", base + "/v1/transcriptions/\(doneID)/transcript?format=srt")
            #expect(keptSRT.status == 200)
            #expect(keptSRT.text == srt.text)
            // The job open at the kill is resumed by the background poller: its result is kept without any GET.
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            var resumedAndKept = false
            while !resumedAndKept, clock.now < deadline {
                let stored = try await send("GET", base + "/v1/transcriptions?source=store&label=open")
                resumedAndKept = ((stored.json["tasks"] as? [[String: Any]]) ?? []).contains { $0["results_kept"] as? Bool == true }
                if !resumedAndKept { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(resumedAndKept)
            let resumed = try await send("GET", base + "/v1/transcriptions/\(openID)?wait=20")
            #expect(resumed.json["status"] as? String == "SUCCEEDED")
            let list = try await send("GET", base + "/v1/transcriptions?source=store")
            let ids = Set(((list.json["tasks"] as? [[String: Any]]) ?? []).compactMap { $0["task_id"] as? String })
            #expect(ids == [doneID, openID])
            second.process.terminate()
            #expect(try await second.exitStatus() == 0)
            await simulator.shutdown()
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
