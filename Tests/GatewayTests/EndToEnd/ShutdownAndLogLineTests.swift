import Foundation
import Testing

extension BinaryProcessTests {
    /// The running binary: readiness fails as soon as shutdown starts, a second signal exits at once, and a decoded
    /// `%0A` in a path cannot forge a text log line.
    @Suite struct ShutdownAndLogLineTests {
        /// Waits (bounded) until the process's stderr contains `text`.
        static func waitForLog(_ gateway: GatewayProcess, _ text: String) async throws {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            while !gateway.stderr.value.contains(text), clock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        @Test func readinessIs503WhileTheListenerIsStillOpenAndASecondSignalExitsAtOnce() async throws {
            let gateway = try GatewayProcess(["--simulate", "--listen", "127.0.0.1:0", "--shutdown-delay", "60"])
            let base = "http://127.0.0.1:\(try await gateway.port())"
            #expect(try await send("GET", base + "/readyz").status == 200)
            gateway.process.terminate()
            try await Self.waitForLog(gateway, "funasr-gateway draining")
            let draining = try await send("GET", base + "/readyz")
            #expect(draining.status == 503)
            #expect(draining.json["status"] as? String == "not_ready")
            #expect(draining.json["reason"] as? String == "shutting down")
            #expect(try await send("GET", base + "/healthz").status == 200)
            gateway.process.signal(SIGINT)
            #expect(try await gateway.exitStatus() == 128 + SIGINT)
            #expect(gateway.stderr.value.contains("received SIGINT again"), "\(gateway.stderr.value)")
        }

        @Test func aNewlineInThePathStaysInsideOneEscapedLogLine() async throws {
            let gateway = try GatewayProcess(["--simulate", "--listen", "127.0.0.1:0"])
            let base = "http://127.0.0.1:\(try await gateway.port())"
            let response = try await send("GET", base + "/v1/x%0Afake=1%20status=200")
            #expect(response.status == 404)
            try await Self.waitForLog(gateway, "fake=1")
            gateway.process.terminate()
            #expect(try await gateway.exitStatus() == 0)
            let lines = gateway.stderr.value.split(separator: "\n")
            let mentioning = lines.filter { $0.contains("fake=1") }
            #expect(mentioning.count == 1, "\(lines)")
            #expect(mentioning.first?.contains(#"path="/v1/x\nfake=1 status=200""#) == true, "\(mentioning)")
            #expect(mentioning.first?.contains(" status=404") == true, "\(mentioning)")
        }
    }
}
