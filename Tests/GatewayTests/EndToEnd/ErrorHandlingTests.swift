import DashScopeSimulator
import Foundation
import Testing

@Suite struct ErrorHandlingTests {
    @Test(arguments: [
        (#"{bad json"#, "invalid"), (#"[1,2]"#, "object"), (#"{"file_url": 5}"#, "file_url"),
        (#"{"file_urls": []}"#, "file_urls"), (#"{"file_url": "ftp://x/a.wav"}"#, "http"),
        (#"{"file_url": "https://e.com/a.wav", "speaker_count": 1, "diarization_enabled": true}"#, "speaker_count"),
        (#"{"file_url": "https://e.com/a.wav", "surprise": 1}"#, "surprise"),
    ])
    func badSubmitBodiesAreClear400sAndNeverReachUpstream(body: String, mentions: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request("POST", "/v1/transcriptions", body: jsonBody(body))
            #expect(response.status == 400)
            let message = try #require(response.error["message"] as? String)
            #expect(message.lowercased().contains(mentions.lowercased()), "\(message)")
            #expect(response.error["request_id"] as? String != nil)
            #expect(h.simulator.receivedRequests().isEmpty)
            let health = try await h.request("GET", "/healthz")
            #expect(health.status == 200)
        }
    }

    @Test func oversizedBodyIs413AndTheServerKeepsServing() async throws {
        try await GatewayHarness.with(configure: { $0.jsonBodyLimit = 1024 }) { h in
            let big = "{\"file_url\": \"https://e.com/\(String(repeating: "a", count: 4000)).wav\"}"
            let response = try await h.request("POST", "/v1/transcriptions", body: jsonBody(big))
            #expect(response.status == 413)
            #expect(response.error["code"] as? String == "payload_too_large")
            let health = try await h.request("GET", "/healthz")
            #expect(health.status == 200)
        }
    }

    @Test func unknownRouteAndWrongMethod() async throws {
        try await GatewayHarness.with { h in
            let missing = try await h.request("GET", "/v1/nothing-here")
            #expect(missing.status == 404)
            #expect(missing.error["code"] as? String == "not_found")
            let wrong = try await h.request("PUT", "/v1/transcriptions")
            #expect(wrong.status == 405)
            #expect(wrong.header("Allow")?.contains("POST") == true)
        }
    }

    @Test(arguments: [
        (SimulatorFault.unauthorized, 502, "upstream_auth_failed"),
        (SimulatorFault.throttled(retryAfterSeconds: 3), 429, "Throttling.RateQuota"),
        (SimulatorFault.internalError, 500, "InternalError"),
        (SimulatorFault.forbidden, 502, "upstream_auth_failed"),
        (SimulatorFault.garbage, 502, "upstream_invalid_response"),
    ])
    func upstreamErrorsKeepDashScopeStatusAndCode(fault: SimulatorFault, status: Int, code: String) async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(fault, for: .submit)
            let response = try await h.request(
                "POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#))
            #expect(response.status == status)
            #expect(response.error["code"] as? String == code)
            #expect((response.error["request_id"] as? String)?.isEmpty == false)
        }
    }

    @Test func unreachableUpstreamIs502() async throws {
        try await GatewayHarness.with(configure: { $0.baseURL = "http://127.0.0.1:1" }) { h in
            let response = try await h.request("GET", "/v1/transcriptions/abc")
            #expect(response.status == 502)
            #expect(response.error["code"] as? String == "upstream_unreachable")
        }
    }

    @Test func slowUpstreamIs504() async throws {
        try await GatewayHarness.with(configure: { $0.timeouts.request = .milliseconds(300) }) { h in
            h.simulator.inject(.slowFirstByte(seconds: 3), for: .query)
            let response = try await h.request("GET", "/v1/transcriptions/abc")
            #expect(response.status == 504)
            #expect(response.error["code"] as? String == "upstream_timeout")
        }
    }

    @Test func localTokensGateEveryRouteButHealthAndNeverTravelUpstream() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let health = try await h.request("GET", "/healthz")
            #expect(health.status == 200)
            let anonymous = try await h.request("GET", "/v1/transcriptions")
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate") == "Bearer")
            let wrong = try await h.request("GET", "/v1/transcriptions", headers: [("Authorization", "Bearer nope-nope-nope")])
            #expect(wrong.status == 401)
            let allowed = try await h.request(
                "POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#),
                headers: [("Authorization", "Bearer \(GatewayHarness.token)")])
            #expect(allowed.status == 202)
            let upstream = h.simulator.receivedRequests()
            #expect(!upstream.isEmpty)
            for request in upstream {
                #expect(request.header("Authorization") == "Bearer \(GatewayHarness.apiKey)")
                #expect(!request.headers.map { "\($0.name)\($0.value)" }.joined().contains(GatewayHarness.token))
                #expect(!request.bodyText.contains(GatewayHarness.token))
            }
        }
    }

    @Test func requestIDIsEchoedAndSentUpstream() async throws {
        try await GatewayHarness.with { h in
            let response = try await h.request(
                "GET", "/v1/transcriptions/abc", headers: [("X-Request-Id", "trace-42")])
            #expect(response.header("X-Request-Id") == "trace-42")
            #expect(h.simulator.receivedRequests().last?.header("X-Request-Id") == "trace-42")
            #expect(h.logs.text.contains("request_id=trace-42"))
        }
    }
}
