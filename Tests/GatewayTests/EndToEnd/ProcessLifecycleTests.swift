import Foundation
import Testing

/// A running gateway process with its stderr collected; killed and reaped when the last reference goes.
final class GatewayProcess: Sendable {
    let process: ChildProcess
    let stderr: CollectedText

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        var command = gatewayCommand(arguments, environment: environment)
        command.standardError = .pipe
        process = try launch(command)
        stderr = process.standardError!.collectText()
    }

    /// Waits (bounded) for the start-up log line and returns the bound port.
    func port() async throws -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(20))
        while clock.now < deadline {
            let text = stderr.value
            if let range = text.range(of: #"address=127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                return Int(text[range].split(separator: ":").last!)!
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CancellationError()
    }

    /// Waits (bounded) for the process to exit and for the rest of its stderr; returns its exit status (or the
    /// number of the signal that ended it). One still running after 30 s is killed.
    func exitStatus() async throws -> Int32 {
        let ending: ChildTermination
        do {
            ending = try await process.waitForExit(timeout: .seconds(30))
        } catch {
            process.kill()
            ending = try await process.waitForExit()
        }
        try await stderr.waitForEnd()
        return ending.status
    }
}

extension BinaryProcessTests {
    @Suite struct ProcessLifecycleTests {
        @Test func sigtermLetsTheInFlightRequestFinishThenExitsZero() async throws {
            let gateway = try GatewayProcess(["--simulate", "--listen", "127.0.0.1:0"])
            let port = try await gateway.port()
            let base = "http://127.0.0.1:\(port)"
            let submitted = try await send("POST", base + "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://e.com/a.wav"}"#))
            #expect(submitted.header("X-FunASR-Gateway-Mode") == "simulated")
            let id = try #require(submitted.json["task_id"] as? String)
            let waiting = Task { try await send("GET", base + "/v1/transcriptions/\(id)?wait=30") }
            try await Task.sleep(for: .milliseconds(300))
            gateway.process.terminate()
            let finished = try await waiting.value
            #expect(finished.status == 200)
            #expect(finished.json["status"] as? String == "SUCCEEDED")
            #expect(try await gateway.exitStatus() == 0)
            #expect(gateway.stderr.value.contains("SIMULATE MODE"))
        }

        @Test func withoutAKeyTheErrorPointsToSimulate() async throws {
            let gateway = try GatewayProcess(["--listen", "127.0.0.1:0"])
            #expect(try await gateway.exitStatus() != 0)
            #expect(gateway.stderr.value.contains("--simulate"))
        }

        @Test func publicAddressWithoutTokensIsRefused() async throws {
            let gateway = try GatewayProcess(["--listen", "0.0.0.0:0"], environment: ["DASHSCOPE_API_KEY": "sk-process-test"])
            #expect(try await gateway.exitStatus() != 0)
            let text = gateway.stderr.value
            #expect(text.contains("FUNASR_GATEWAY_TOKENS"))
            #expect(!text.contains("sk-process-test"))
        }
    }
}
