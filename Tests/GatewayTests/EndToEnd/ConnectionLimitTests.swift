import DashScopeSimulator
import Foundation
import Testing

/// The request limit answers 503 + Retry-After instead of dropping connections; the per-address limit holds.
@Suite struct ConnectionLimitTests {
    @Test func pastTheRequestLimitANewRequestGets503WithRetryAfterAndLaterOnesAreServed() async throws {
        try await GatewayHarness.with(configure: { $0.connectionLimit = 2 }) { h in
            h.simulator.inject(.slowFirstByte(seconds: 1.5), for: .query, count: 2)
            let slow = (0..<2).map { _ in Task { try await h.request("GET", "/v1/transcriptions/held-1") } }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(10))
            while h.gateway.activeRequests < 2, clock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            let refused = try await h.request("GET", "/v1/transcriptions")
            #expect(refused.status == 503, "\(refused.text)")
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.error["code"] as? String == "server_busy")
            for request in slow { _ = try await request.value }
            #expect(try await h.request("GET", "/v1/transcriptions").status == 200, "the limit frees up")
        }
    }

    @Test func oneAddressCannotHoldMoreThanItsConnections() async throws {
        try await GatewayHarness.with(configure: { $0.perIPConnectionLimit = 2 }) { h in
            let port = h.gateway.port
            let held = try (0..<2).map { _ in try RawHTTPConnection(port: port) }
            for connection in held {
                try connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(try await offPool { try connection.readResponse().status } == 200)
            }
            let third = try RawHTTPConnection(port: port, receiveTimeoutSeconds: 5)
            try? third.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answer = try await offPool { try third.readToEnd() }
            #expect(answer.isEmpty, "the third connection from one address is closed unanswered")
            withExtendedLifetime(held) {}
        }
    }
}

extension BinaryProcessTests {
    /// The binary raises its soft open-file limit to the hard one at start.
    @Suite struct OpenFileLimitTests {
        @Test func theSoftOpenFileLimitIsRaisedToTheHardOne() async throws {
            let process = try launch(ChildCommand(
                executable: "/bin/sh",
                arguments: ["-c", "ulimit -Sn 64 && exec \"$0\" --simulate --listen 127.0.0.1:0 --store memory", gatewayBinary.path]))
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            var soft = 0
            var hard = 0
            while clock.now < deadline {
                let limits = (try? String(contentsOfFile: "/proc/\(process.pid)/limits", encoding: .utf8)) ?? ""
                if let line = limits.split(separator: "\n").first(where: { $0.hasPrefix("Max open files") }) {
                    let numbers = line.split(separator: " ").compactMap { Int($0) }
                    if numbers.count >= 2 { (soft, hard) = (numbers[0], numbers[1]) }
                    if soft > 64 { break }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            process.kill()
            try await process.waitForExit()
            #expect(soft == hard && soft > 64, "soft \(soft), hard \(hard)")
        }
    }
}
