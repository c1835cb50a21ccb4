import DashScopeSimulator
import Foundation
import Testing

/// DashScope's 401/403 concern the gateway's key: local and OpenAI clients get a 502 that says so (never a 401/403
/// that would blame their local token); the native passthrough relays DashScope's answer unchanged.
@Suite struct UpstreamAuthFailureTests {
    @Test(arguments: [(SimulatorFault.unauthorized, "InvalidApiKey"), (SimulatorFault.forbidden, "AccessDenied")])
    func localRoutesAnswer502UpstreamAuthFailed(fault: SimulatorFault, dashScopeCode: String) async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            h.simulator.inject(fault, for: .query)
            let response = try await h.request(
                "GET", "/v1/transcriptions/abc", headers: [("Authorization", "Bearer \(GatewayHarness.token)")])
            #expect(response.status == 502)
            #expect(response.header("WWW-Authenticate") == nil)
            #expect(response.error["code"] as? String == "upstream_auth_failed")
            let message = try #require(response.error["message"] as? String)
            #expect(message.contains("DashScope refused the gateway's API key"), "\(message)")
            #expect(message.contains(dashScopeCode), "\(message)")
            #expect(response.header("X-DashScope-Request-Id") != nil)
        }
    }

    @Test func theOpenAIRouteAnswers502InOpenAIShape() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.unauthorized, for: .generation)
            let response = try await OpenAICompatibilityTests.transcribe(h, [])
            #expect(response.status == 502)
            #expect(response.error["type"] as? String == "api_error")
            #expect(response.error["code"] as? String == "upstream_auth_failed")
            #expect((response.error["message"] as? String)?.contains("InvalidApiKey") == true)
        }
    }

    @Test func theNativePassthroughRelaysDashScopes401Unchanged() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.unauthorized, for: .query)
            let response = try await h.request("GET", "/api/v1/tasks/abc")
            #expect(response.status == 401)
            #expect(response.json["code"] as? String == "InvalidApiKey")
        }
    }
}
