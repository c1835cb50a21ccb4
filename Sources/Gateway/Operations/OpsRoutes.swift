import JSON
import DashScope
import MicroHTTPServer

/// Operations routes, open without a local token: readiness, Prometheus metrics and the OpenAPI contract.
struct OpsRoutes: Sendable {
    let metrics: GatewayMetrics
    let readiness: ReadinessProbe
    let drain: DrainState
    let simulated: Bool

    var routes: [Route] {
        [
            Route("GET", "/readyz", name: "readyz", requiresAuth: false, handler: readyz),
            Route.immediate("GET", "/metrics", name: "metrics", answer: prometheus),
            Route.immediate("GET", "/openapi.yaml", name: "openapi", answer: openAPI),
        ]
    }

    /// 200 `{"status": "ready", ...}` or 503 `{"status": "not_ready", "reason": ..., ...}`; 503 `shutting down`
    /// (without an upstream check) from the moment shutdown begins.
    func readyz(_ context: RouteContext) async throws -> HTTPResponse {
        let mode = JSONValue.string(simulated ? "simulated" : "dashscope")
        if drain.isDraining {
            return JSONResponse.make(
                .object(["status": .string("not_ready"), "mode": mode, "reason": .string("shutting down")]),
                status: 503, headers: ["Cache-Control": "no-store"])
        }
        let (outcome, cached) = await readiness.check()
        var upstream: [String: JSONValue] = [
            "reachable": .bool(outcome.httpStatus != nil),
            "latency_ms": .number((Self.milliseconds(outcome.latency) * 10).rounded() / 10),
            "checked_at": .string(CivilTime.iso8601(epochMilliseconds: outcome.checkedAtMilliseconds, offsetSeconds: 0)),
            "cached": .bool(cached),
        ]
        upstream["http_status"] = outcome.httpStatus.map { .number(Double($0)) }
        upstream["code"] = outcome.code.map(JSONValue.string)
        var body: [String: JSONValue] = [
            "status": .string(outcome.ready ? "ready" : "not_ready"),
            "mode": mode,
            "upstream": .object(upstream),
        ]
        body["reason"] = outcome.reason.map(JSONValue.string)
        return JSONResponse.make(.object(body), status: outcome.ready ? 200 : 503, headers: ["Cache-Control": "no-store"])
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// The Prometheus text exposition format 0.0.4.
    func prometheus(_ context: RouteContext) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"],
            body: .bytes(metrics.exposition()))
    }

    /// The OpenAPI document compiled into the binary (identical to the repository's openapi.yaml).
    func openAPI(_ context: RouteContext) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "application/yaml", text: OpenAPIDocument.yaml)
    }
}
