import DashScopeSimulator
import Foundation
import Gateway
import Testing

@Suite struct ObservabilityTests {
    @Test func metricsCountRequestsByRouteAndStatusWithDurationsAndOverhead() async throws {
        try await GatewayHarness.with { h in
            _ = try await h.request("GET", "/healthz")
            _ = try await h.request("GET", "/healthz")
            let submitted = try await h.request(
                "POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#))
            #expect(submitted.status == 202)
            _ = try await h.request("GET", "/v1/nothing-here")
            let response = try await h.request("GET", "/metrics")
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = response.text
            for series in [
                #"funasr_gateway_requests_total{route="healthz",status="200"} 2"#,
                #"funasr_gateway_requests_total{route="transcriptions.submit",status="202"} 1"#,
                #"funasr_gateway_requests_total{route="-",status="404"} 1"#,
                #"funasr_gateway_request_duration_seconds_count{route="healthz"} 2"#,
                #"funasr_gateway_request_duration_seconds_bucket{route="transcriptions.submit",le="+Inf"} 1"#,
                #"funasr_gateway_upstream_duration_seconds_count{route="transcriptions.submit"} 1"#,
                #"funasr_gateway_overhead_seconds_count{route="transcriptions.submit"} 1"#,
                "funasr_gateway_open_streams 0",
                "funasr_gateway_stream_events_relayed_total 0",
                "funasr_gateway_upstream_retries_total 0",
                "# TYPE funasr_gateway_overhead_seconds histogram",
            ] {
                #expect(text.contains(series), "missing \(series) in:\n\(text)")
            }
            let upstreamSum = try #require(Self.value(of: #"funasr_gateway_upstream_duration_seconds_sum{route="transcriptions.submit"}"#, in: text))
            let totalSum = try #require(Self.value(of: #"funasr_gateway_request_duration_seconds_sum{route="transcriptions.submit"}"#, in: text))
            #expect(upstreamSum > 0)
            #expect(totalSum >= upstreamSum)
        }
    }

    @Test func streamEventErrorAndRetryHooksReachTheExposition() async throws {
        try await GatewayHarness.with { h in
            let metrics = h.gateway.metrics
            metrics.streamOpened()
            metrics.streamOpened()
            metrics.streamClosed()
            metrics.eventRelayed()
            metrics.eventRelayed(count: 4)
            metrics.upstreamError(code: "InvalidApiKey")
            metrics.upstreamError(code: "InvalidApiKey")
            metrics.upstreamError(code: "upstream_timeout")
            metrics.retry()
            let text = try await h.request("GET", "/metrics").text
            for series in [
                "funasr_gateway_open_streams 1.0",
                "funasr_gateway_stream_events_relayed_total 5",
                #"funasr_gateway_upstream_errors_total{code="InvalidApiKey"} 2"#,
                #"funasr_gateway_upstream_errors_total{code="upstream_timeout"} 1"#,
                "funasr_gateway_upstream_retries_total 1",
            ] {
                #expect(text.contains(series), "missing \(series) in:\n\(text)")
            }
        }
    }

    @Test func eachGatewayKeepsItsOwnRegistry() async throws {
        try await GatewayHarness.with { first in
            try await GatewayHarness.with { second in
                _ = try await first.request("GET", "/healthz")
                first.gateway.metrics.retry()
                let other = try await second.request("GET", "/metrics").text
                #expect(!other.contains(#"route="healthz""#))
                #expect(other.contains("funasr_gateway_upstream_retries_total 0"))
            }
        }
    }

    @Test func healthIsOpenWithoutATokenMetricsAndSpecAreNotAndNothingLeaks() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let authorized = try await h.request(
                "GET", "/v1/transcriptions", headers: [("Authorization", "Bearer \(GatewayHarness.token)")])
            #expect(authorized.status == 200)
            for path in ["/healthz", "/readyz"] {
                let response = try await h.request("GET", path)
                #expect(response.status == 200, "\(path) answered \(response.status)")
                #expect(response.header("X-Request-Id") != nil)
            }
            let bearer = [("Authorization", "Bearer \(GatewayHarness.token)")]
            for path in ["/metrics", "/openapi.yaml"] {
                #expect(try await h.request("GET", path).status == 401, "\(path) must need the token")
                #expect(try await h.request("GET", path, headers: bearer).status == 200)
            }
            let metrics = try await h.request("GET", "/metrics", headers: bearer).text
            #expect(!metrics.contains(GatewayHarness.apiKey))
            #expect(!metrics.contains(GatewayHarness.token))
            #expect(metrics.contains(#"funasr_gateway_requests_total{route="transcriptions.list",status="200"} 1"#))
        }
    }

    @Test func readyWhenDashScopeAcceptsTheKeyAndTheOutcomeIsCached() async throws {
        try await GatewayHarness.with(configure: { $0.readinessCacheTTL = .seconds(3600) }) { h in
            let first = try await h.request("GET", "/readyz")
            #expect(first.status == 200)
            #expect(first.json["status"] as? String == "ready")
            let upstream = try #require(first.json["upstream"] as? [String: Any])
            #expect(upstream["reachable"] as? Bool == true)
            #expect(upstream["http_status"] as? Int == 200)
            #expect(upstream["cached"] as? Bool == false)
            #expect(first.json["reason"] == nil)
            let second = try await h.request("GET", "/readyz")
            #expect(second.status == 200)
            #expect((second.json["upstream"] as? [String: Any])?["cached"] as? Bool == true)
            let checks = h.simulator.receivedRequests().filter { $0.path == "/api/v1/tasks" }
            #expect(checks.count == 1)
            #expect(checks.first?.queryValue("page_size") == "1")
            #expect(checks.first?.header("Authorization") == "Bearer \(GatewayHarness.apiKey)")
            #expect(try await h.request("GET", "/metrics").text.contains("funasr_gateway_upstream_ready 1.0"))
        }
    }

    @Test func notReadyWhenDashScopeRejectsTheKey() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.unauthorized, for: .list)
            let response = try await h.request("GET", "/readyz")
            #expect(response.status == 503)
            #expect(response.json["status"] as? String == "not_ready")
            let reason = try #require(response.json["reason"] as? String)
            #expect(reason.contains("rejected the gateway's API key"), "\(reason)")
            #expect(reason.contains("InvalidApiKey"), "\(reason)")
            let upstream = try #require(response.json["upstream"] as? [String: Any])
            #expect(upstream["reachable"] as? Bool == true)
            #expect(upstream["http_status"] as? Int == 401)
            #expect(upstream["code"] as? String == "InvalidApiKey")
            #expect(try await h.request("GET", "/metrics").text.contains("funasr_gateway_upstream_ready 0.0"))
        }
    }

    @Test func notReadyWhenDashScopeIsUnreachable() async throws {
        try await GatewayHarness.with(configure: { $0.baseURL = "http://127.0.0.1:1" }) { h in
            let response = try await h.request("GET", "/readyz")
            #expect(response.status == 503)
            #expect(response.json["status"] as? String == "not_ready")
            let reason = try #require(response.json["reason"] as? String)
            // Connection refused is retried by the HTTP client until its connect timeout; either ends not ready.
            #expect(reason.contains("could not be reached") || reason.contains("did not answer within"), "\(reason)")
            #expect((response.json["upstream"] as? [String: Any])?["reachable"] as? Bool == false)
            let health = try await h.request("GET", "/healthz")
            #expect(health.status == 200, "liveness does not depend on DashScope")
        }
    }

    @Test func notReadyWhenDashScopeIsSlowerThanTheDeadline() async throws {
        try await GatewayHarness.with(configure: { $0.readinessTimeout = .milliseconds(200) }) { h in
            h.simulator.inject(.slowFirstByte(seconds: 3), for: .list)
            let response = try await h.request("GET", "/readyz")
            #expect(response.status == 503)
            #expect((response.json["reason"] as? String)?.contains("did not answer within 0.2s") == true)
        }
    }

    @Test func healthcheckCommandProbeSeesHealthyAndUnreachableGateways() async throws {
        try await GatewayHarness.with { h in
            // Generous timeouts: a healthy gateway must answer, and under ThreadSanitizer on a loaded machine the
            // first answer took more than 5 s; the unhealthy outcomes below do not depend on them.
            let healthy = await HealthCheck.probe(url: h.base + "/healthz", timeout: .seconds(30))
            #expect(healthy.healthy, "\(healthy.summary)")
            let missing = await HealthCheck.probe(url: h.base + "/no-such-route", timeout: .seconds(30))
            #expect(!missing.healthy)
        }
        let closed = await HealthCheck.probe(url: "http://127.0.0.1:1/healthz", timeout: .seconds(2))
        #expect(!closed.healthy)
        #expect(closed.summary.hasPrefix("unhealthy"))
        #expect(HealthCheck.defaultURL(listen: "0.0.0.0:8080") == "http://127.0.0.1:8080/healthz")
        #expect(HealthCheck.defaultURL(listen: "[::]:9000") == "http://[::1]:9000/healthz")
        #expect(HealthCheck.defaultURL(listen: "10.1.2.3:81") == "http://10.1.2.3:81/healthz")
        #expect(HealthCheck.defaultURL(listen: nil) == "http://127.0.0.1:8080/healthz")
    }

    /// The number after a series name in the exposition.
    static func value(of series: String, in text: String) -> Double? {
        let line = text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }
    }
}
