import DashScopeSimulator
import Foundation
import Testing

/// The three API surfaces (local, DashScope-native, OpenAI) stream through one seam and call DashScope through one
/// client: their streams, events, upstream errors and `Retry-After` must behave the same.
@Suite struct SurfaceParityTests {
    /// One streamed recognition call per surface.
    enum Surface: String, CaseIterable, Sendable {
        case local, native, openAI

        func stream(_ h: GatewayHarness) async throws -> StreamResult {
            switch self {
            case .local:
                return try await postStream(h.base + "/v1/flash", body: streamingFlash)
            case .native:
                return try await postStream(
                    h.base + NativePassthroughTests.generation, body: jsonBody(NativePassthroughTests.flashBody),
                    headers: [("Content-Type", "application/json"), ("X-DashScope-SSE", "enable")])
            case .openAI:
                let form = OpenAIForm(fields: [("model", "whisper-1"), ("stream", "true")], file: ("talk.wav", "audio/wav", OpenAICompatibilityTests.wav))
                return try await postStream(h.base + "/v1/audio/transcriptions", body: form.body, headers: [("Content-Type", form.contentType)])
            }
        }
    }

    @Test(arguments: Surface.allCases)
    func aFailedStreamIsCountedAlikeOnEverySurface(surface: Surface) async throws {
        try await GatewayHarness.with { h in
            // An error frame, not a dropped connection: how many events arrive before a drop depends on timing.
            h.simulator.inject(.errorFrameAfter(events: 1), for: .generation)
            let result = try await surface.stream(h)
            #expect(result.status == 200)
            #expect(result.raw.contains("error"), "the stream ends with its surface's error event: \(result.raw)")
            let metrics = try await h.request("GET", "/metrics").text
            #expect(metrics.contains("funasr_gateway_stream_events_relayed_total 1"), "\(surface): \(metrics)")
            #expect(metrics.contains("funasr_gateway_open_streams 0"), "\(surface)")
            #expect(metrics.contains(#"funasr_gateway_upstream_errors_total{code="InternalError"} 1"#), "\(surface)")
        }
    }

    @Test(arguments: Surface.allCases)
    func aRefusedStreamIsAnUpstreamErrorWithItsRetryAfterOnEverySurface(surface: Surface) async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.throttled(retryAfterSeconds: 9), for: .generation)
            let result = try await surface.stream(h)
            #expect(result.status == 429, "\(surface)")
            #expect(result.header("Retry-After") == "9", "\(surface)")
            let metrics = try await h.request("GET", "/metrics").text
            #expect(metrics.contains(#"funasr_gateway_upstream_errors_total{code="Throttling.RateQuota"} 1"#), "\(surface): \(metrics)")
            #expect(metrics.contains("funasr_gateway_open_streams 0"), "\(surface)")
        }
    }

    /// Every JSON route family that calls DashScope, with the simulator endpoint it reaches.
    static let jsonRoutes: [(String, String, String?, SimulatorEndpoint)] = [
        ("POST", "/v1/transcriptions", #"{"file_url": "https://example.com/a.wav"}"#, .submit),
        ("GET", "/v1/transcriptions/task-1", nil, .query),
        ("GET", "/v1/transcriptions/task-1/transcript?format=srt", nil, .query),
        ("GET", "/v1/transcriptions?source=dashscope", nil, .list),
        ("POST", "/v1/transcriptions/task-1/cancel", nil, .cancel),
        ("POST", "/v1/flash", #"{"audio_url": "https://example.com/a.wav"}"#, .generation),
        ("POST", "/v1/realtime", #"{"audio_url": "https://example.com/a.wav"}"#, .generation),
        ("GET", "/api/v1/tasks", nil, .list),
        ("GET", "/api/v1/tasks/task-1", nil, .query),
        ("GET", "/api/v1/uploads?action=getPolicy&model=fun-asr", nil, .uploadPolicy),
        ("POST", "/api/v1/services/audio/asr/customization", #"{"model":"speech-biasing","input":{"action":"list_vocabulary"}}"#, .customization),
    ]

    @Test(arguments: jsonRoutes)
    func retryAfterFromDashScopeReachesTheClientOnEveryJSONRoute(
        method: String, path: String, body: String?, endpoint: SimulatorEndpoint
    ) async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.throttled(retryAfterSeconds: 6), for: endpoint)
            let response = try await h.request(method, path, body: body.map(jsonBody))
            #expect(response.status == 429, "\(method) \(path): \(response.text)")
            #expect(response.header("Retry-After") == "6", "\(method) \(path)")
            let metrics = try await h.request("GET", "/metrics").text
            #expect(metrics.contains(#"funasr_gateway_upstream_errors_total{code="Throttling.RateQuota"} 1"#), "\(method) \(path)")
        }
    }

    @Test func retryAfterReachesOpenAIClientsOnTheWholeAnswerToo() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.throttled(retryAfterSeconds: 8), for: .generation)
            let response = try await OpenAICompatibilityTests.transcribe(h, [("model", "whisper-1")])
            #expect(response.status == 429)
            #expect(response.header("Retry-After") == "8")
        }
    }
}
