import Gateway
import Testing

/// Slow-loris through the gateway: the configured header and body deadlines close connections that trickle, while
/// other clients keep being served.
@Suite struct SlowLorisTests {
    /// Sends `piece` every 100 ms until a send fails (the gateway closed the connection) or `count` pieces went;
    /// checks `/healthz` on a second connection meanwhile. True when the connection was closed.
    static func trickle(_ piece: String, count: Int, on connection: RawHTTPConnection, _ h: GatewayHarness) async throws -> Bool {
        for index in 0..<count {
            do { try connection.send(piece) } catch { return true }
            if index % 5 == 0 {
                #expect(try await h.request("GET", "/healthz").status == 200)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func aTrickledHeadIsClosedAtTheConfiguredHeaderTimeout() async throws {
        try await GatewayHarness.with(configure: { $0.requestTimeLimits.header = .seconds(1) }) { h in
            let connection = try RawHTTPConnection(port: h.gateway.port, receiveTimeoutSeconds: 5)
            try connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            let closed = try await Self.trickle("a", count: 150, on: connection, h)
            #expect(closed, "a head trickled for 15 s kept its connection (header timeout 1 s)")
            #expect(try await h.request("GET", "/healthz").status == 200)
        }
    }

    @Test func aTrickledUploadIsCutAtTheConfiguredBodyDeadline() async throws {
        try await GatewayHarness.with(configure: {
            $0.requestTimeLimits.body = .seconds(1)
            $0.requestTimeLimits.bodyMinimumRate = 1000
        }) { h in
            let connection = try RawHTTPConnection(port: h.gateway.port, receiveTimeoutSeconds: 5)
            try connection.send(
                "POST /v1/flash HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: audio/wav\r\nContent-Length: 100000\r\n\r\n")
            let closed = try await Self.trickle("RIFF", count: 150, on: connection, h)
            #expect(closed, "an upload trickled at 40 B/s kept its connection (floor 1000 B/s after 1 s)")
            #expect(h.simulator.receivedRequests().isEmpty, "a cut upload reached DashScope")
        }
    }
}
