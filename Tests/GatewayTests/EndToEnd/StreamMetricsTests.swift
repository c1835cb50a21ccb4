import DashScopeSimulator
import Testing

@Suite struct StreamMetricsTests {
    @Test func relayedEventsOpenStreamsAndUpstreamErrorsAreCounted() async throws {
        try await GatewayHarness.with { h in
            let stream = try await postStream(h.base + "/v1/flash", body: streamingFlash)
            let relayed = stream.names.filter { $0 == "result" }.count
            h.simulator.inject(.throttled(retryAfterSeconds: 1), for: .submit)
            _ = try await h.request("POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://e.com/a.wav"}"#))
            h.simulator.inject(.dropAfter(events: 1), for: .generation)
            _ = try await postStream(h.base + "/v1/flash", body: streamingFlash)
            let metrics = try await h.request("GET", "/metrics").text
            #expect(metrics.contains("funasr_gateway_stream_events_relayed_total \(relayed + 1)"), "\(metrics)")
            #expect(metrics.contains("funasr_gateway_open_streams 0"))
            #expect(metrics.contains(#"funasr_gateway_upstream_errors_total{code="Throttling.RateQuota"} 1"#))
            #expect(metrics.contains(#"funasr_gateway_upstream_errors_total{code="upstream_disconnected"} 1"#))
        }
    }
}
