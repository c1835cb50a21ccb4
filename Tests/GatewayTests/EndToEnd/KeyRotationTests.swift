import DashScopeSimulator
import Foundation
import Testing

extension BinaryProcessTests {
    /// SIGHUP re-reads the key file in the running binary: new calls use the new key, an open stream is not dropped.
    @Suite struct KeyRotationTests {
        @Test func sighupReloadsTheKeyFileWithoutDroppingAnOpenStream() async throws {
            let simulator = SimulatorServer(simulator: Simulator(configuration: SimulatorConfiguration(
                acceptedAPIKeys: [SimulatorConfiguration.testAPIKey], eventInterval: .milliseconds(100))))
            try simulator.start()
            let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("funasr-rotate-\(UUID().uuidString)")
            try (SimulatorConfiguration.testAPIKey + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: keyFile) }
            let gateway = try GatewayProcess(["--listen", "127.0.0.1:0", "--base-url", simulator.baseURL], environment: [
                "DASHSCOPE_API_KEY_FILE": keyFile.path,
            ])
            let base = "http://127.0.0.1:\(try await gateway.port())"
            #expect(try await send("GET", base + "/v1/transcriptions?source=dashscope").status == 200, "the first key is accepted")

            // A slow stream opened with the first key (20 events, 100 ms apart) runs across the rotation.
            let stream = Task { try await postStream(base + "/v1/flash", body: streamingFlash) }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(10))
            while !simulator.simulator.receivedRequests().contains(where: { $0.path.hasSuffix("/generation") }), clock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            try "sk-rotated-0123456789\n".write(to: keyFile, atomically: true, encoding: .utf8)
            gateway.process.signal(SIGHUP)
            try await ShutdownAndLogLineTests.waitForLog(gateway, "reloaded the DashScope key")
            let refused = try await send("GET", base + "/v1/transcriptions?source=dashscope")
            #expect(refused.status == 502, "the simulator refuses the new key: it is the one sent now")
            #expect(refused.error["code"] as? String == "upstream_auth_failed")
            let finished = try await stream.value
            #expect(finished.names.last == "done", "the open stream was not dropped: \(finished.names)")
            #expect(!gateway.stderr.value.contains("sk-rotated-0123456789"), "the key never reaches the log")

            try "sk-first-line\nmarker-zqx\n".write(to: keyFile, atomically: true, encoding: .utf8)
            gateway.process.signal(SIGHUP)
            try await ShutdownAndLogLineTests.waitForLog(gateway, "the current key stays in use")
            #expect(try await send("GET", base + "/v1/transcriptions?source=dashscope").status == 502, "a bad file leaves the last good key")
            #expect(!gateway.stderr.value.contains("marker-zqx") && !gateway.stderr.value.contains("sk-first-line"),
                    "the file's content never reaches the log")
            gateway.process.terminate()
            await simulator.shutdown()
        }
    }
}
