import DashScopeSimulator
import Foundation
import Testing

/// Retries in the one DashScope client, seen through the real server: idempotent calls survive a passing failure,
/// a submit is never sent twice, every retry is counted.
@Suite struct RetryTests {
    @Test func aTaskQueryThatFailsOnceIsRetriedAndCounted() async throws {
        try await GatewayHarness.with { h in
            let submitted = try await h.request("POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#))
            let id = try #require(submitted.json["task_id"] as? String)
            h.simulator.inject(.internalError, for: .query)
            // Task queries only: a task seen to end also has its result document downloaded into the job store.
            let queries = { h.simulator.receivedRequests().filter { $0.path.hasPrefix("/api/v1/tasks/") }.count }
            let before = queries()
            let task = try await h.request("GET", "/v1/transcriptions/\(id)")
            #expect(task.status == 200, "\(task.text)")
            #expect(queries() - before == 2, "the failed query and its retry")
            let metrics = try await h.request("GET", "/metrics").text
            #expect(metrics.contains("funasr_gateway_upstream_retries_total 1"), "\(metrics)")
            #expect(!metrics.contains("funasr_gateway_upstream_errors_total{code=\"InternalError\"}"), "a retried failure is not a failed call")
        }
    }

    @Test(arguments: ["/v1/transcriptions?source=dashscope&page_size=5", "/api/v1/tasks?page_size=5"])
    func aListThrottledWithAShortRetryAfterWaitsItOut(_ path: String) async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.throttled(retryAfterSeconds: 1), for: .list)
            let started = ContinuousClock.now
            let list = try await h.request("GET", path)
            #expect(list.status == 200, "\(list.text)")
            #expect(ContinuousClock.now - started >= .seconds(1), "Retry-After was honoured")
            let sent = h.simulator.receivedRequests().filter { $0.path == "/api/v1/tasks" }
            #expect(sent.count == 2, "the throttled list and its retry")
            #expect(sent.allSatisfy { $0.queryValue("page_size") == "5" }, "the retry carries the client's query")
        }
    }

    @Test func aSubmitIsNeverDuplicated() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.internalError, for: .submit)
            let response = try await h.request("POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#))
            #expect(response.status == 500)
            #expect(h.simulator.receivedRequests().filter { $0.path == "/api/v1/services/audio/asr/transcription" }.count == 1)
            let metrics = try await h.request("GET", "/metrics").text
            #expect(metrics.contains("funasr_gateway_upstream_retries_total 0"), "\(metrics)")
        }
    }

    @Test func aCallThatCouldNotConnectIsRetriedEvenWhenItIsASubmit() async throws {
        // The HTTP client keeps retrying a refused connection until its connect timeout, so each attempt lasts
        // that long: 300 ms keeps three attempts far inside the 5 s retry budget even at sanitizer speed (with the
        // harness's 2 s, the third attempt fell outside it on a loaded machine).
        try await GatewayHarness.with(configure: {
            $0.baseURL = "http://127.0.0.1:1"
            $0.timeouts.connect = .milliseconds(300)
        }) { h in
            let response = try await h.request("POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#))
            #expect(response.status == 502)
            #expect(response.error["code"] as? String == "upstream_unreachable")
            let metrics = try await h.request("GET", "/metrics").text
            #expect(metrics.contains("funasr_gateway_upstream_retries_total 2"), "\(metrics)")
            #expect(metrics.contains(#"funasr_gateway_upstream_errors_total{code="upstream_unreachable"} 1"#))
        }
    }
}

/// The same retry policy on the native passthrough's task query and list, which are sent without a task
/// (`DashScopeClient.forwardWithoutTask`): the first attempt from the server's thread, a retry from a task.
@Suite struct PassthroughRetryTests {
    @Test func aNativeTaskQueryThatFailsOnceIsRetriedAndRelayed() async throws {
        try await GatewayHarness.with { h in
            let submitted = try await h.request(
                "POST", "/api/v1/services/audio/asr/transcription",
                body: jsonBody(#"{"model": "fun-asr", "input": {"file_urls": ["https://example.com/a.wav"]}}"#))
            let id = try #require((submitted.json["output"] as? [String: Any])?["task_id"] as? String, "\(submitted.text)")
            h.simulator.inject(.internalError, for: .query)
            let before = h.simulator.receivedRequests().count
            let task = try await h.request("GET", "/api/v1/tasks/\(id)")
            #expect(task.status == 200, "\(task.text)")
            #expect((task.json["output"] as? [String: Any])?["task_id"] as? String == id)
            #expect(h.simulator.receivedRequests().count - before == 2, "the failed query and its retry")
            let metrics = try await h.request("GET", "/metrics").text
            #expect(metrics.contains("funasr_gateway_upstream_retries_total 1"), "\(metrics)")
        }
    }

    @Test func aNativeQueryThatCannotConnectIsRetriedThenA502InDashScopesShape() async throws {
        try await GatewayHarness.with(configure: {
            $0.baseURL = "http://127.0.0.1:1"
            $0.timeouts.connect = .milliseconds(300)
        }) { h in
            let response = try await h.request("GET", "/api/v1/tasks/8d4f8e2a-6c1b-4e3f-9a2d-5b7c0e1f3a90")
            #expect(response.status == 502, "\(response.text)")
            #expect(response.json["code"] as? String == "upstream_unreachable", "\(response.text)")
            #expect(response.json["request_id"] as? String == response.header("X-Request-Id"))
            let metrics = try await h.request("GET", "/metrics").text
            #expect(metrics.contains("funasr_gateway_upstream_retries_total 2"), "\(metrics)")
            #expect(metrics.contains(#"funasr_gateway_upstream_errors_total{code="upstream_unreachable"} 1"#), "\(metrics)")
            // The connection that waited for the failed call serves the next request.
            #expect(try await h.request("GET", "/healthz").status == 200)
        }
    }
}
