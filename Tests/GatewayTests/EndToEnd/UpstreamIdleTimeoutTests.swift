import DashScope
import Gateway
import ServerSentEvents
import Testing

/// The upstream idle timeout counts only time spent waiting for DashScope: a client that pauses the relay does
/// not make DashScope look silent, and a DashScope that does fall silent is still cut promptly.
@Suite struct UpstreamIdleTimeoutTests {
    static let idle = Duration.milliseconds(600)

    @Test func aClientThatPausesForSeveralIdleTimeoutsStillGetsEveryEventAndDone() async throws {
        let flood = FloodUpstream(events: 3000, eventBytes: 4000)
        let upstream = try flood.start()
        try await GatewayHarness.with(configure: {
            $0.baseURL = "http://127.0.0.1:\(upstream.port)"
            $0.timeouts.streamIdle = Self.idle
        }) { h in
            let connection = try #require(RawStreamConnection(port: h.gateway.port))
            connection.send("POST", "/v1/flash", headers: [("Content-Type", "application/json")], body: StalledClientTests.flashBody)
            var raw = try #require(await connection.read())
            // Stop reading until the relay waits on the full client side, then keep not reading for five idle
            // timeouts: the pause is the client's, so it must not end the stream.
            _ = try await StalledClientTests.waitUntilPaused(flood)
            try await Task.sleep(for: Self.idle * 5)
            let rest = try #require(await connection.readToEnd(), "the stream hung after the client resumed reading")
            raw += rest
            let body = try #require(dechunkedBody(raw))
            #expect(body.terminated)
            var parser = SSEParser()
            var events = try parser.feed(body.body)
            if let last = parser.finish() { events.append(last) }
            #expect(!events.contains { $0.event == "error" }, "\(events.last.map { $0.data } ?? "")")
            #expect(events.filter { $0.event == "result" }.count == 3000)
            #expect(events.last?.event == "done")
        }
        await upstream.shutdown()
    }

    @Test func anUpstreamThatFallsSilentMidStreamIsCutByTheIdleTimeoutLongBeforeItSpeaksAgain() async throws {
        try await GatewayHarness.with(configure: { $0.timeouts.streamIdle = Self.idle }) { h in
            h.simulator.inject(.stallAfter(events: 1, seconds: 30), for: .generation)
            let result = try await postStream(
                h.base + "/v1/flash", body: jsonBody(#"{"audio_url": "https://e.com/a.wav", "stream": true}"#))
            // A loaded machine may delay even the head past the request timeout (then a plain 504); otherwise the
            // stream ends with the one timeout error event and no `done` — which the simulator would have sent after
            // its 30 s stall, so the stream ended on the gateway's timer.
            if result.status == 504 { return }
            #expect(result.status == 200)
            #expect(result.names.last == "error", "\(result.raw)")
            #expect(!result.names.contains("done"))
            #expect(result.events.last?.event.data.contains("upstream_timeout") == true)
        }
    }
}
