import DashScope
import MicroHTTPServer

/// The DashScope-native passthrough under `/api/v1/...`: the same paths as DashScope, the gateway's key
/// injected, `parameters` added where DashScope needs it, and answers relayed without re-encoding.
struct NativeRoutes: Sendable {
    static let submitPath = "/api/v1/services/audio/asr/transcription"
    static let generationPath = RecognitionRoutes.generationPath

    let upstream: UpstreamCalls
    let events: DashScopeEventRelay

    init(upstream: UpstreamCalls, keepAliveInterval: Duration) {
        self.upstream = upstream
        self.events = DashScopeEventRelay(keepAliveInterval: keepAliveInterval)
    }

    var routes: [Route] {
        [
            Route("POST", Self.submitPath, name: "native_submit", errorStyle: .dashScope) {
                try await forward($0, method: "POST", path: Self.submitPath, addParameters: true)
            },
            Route("GET", "/api/v1/tasks", name: "native_task_list", errorStyle: .dashScope) {
                try await forward($0, method: "GET", path: "/api/v1/tasks")
            },
            Route("GET", "/api/v1/tasks/{id}", name: "native_task_query", errorStyle: .dashScope) {
                try await forward($0, method: "GET", path: "/api/v1/tasks/\(try TranscriptionRoutes.taskID($0))")
            },
            Route("POST", "/api/v1/tasks/{id}", name: "native_task_query", errorStyle: .dashScope) {
                try await forward($0, method: "POST", path: "/api/v1/tasks/\(try TranscriptionRoutes.taskID($0))")
            },
            Route("POST", "/api/v1/tasks/{id}/cancel", name: "native_task_cancel", errorStyle: .dashScope) {
                try await forward($0, method: "POST", path: "/api/v1/tasks/\(try TranscriptionRoutes.taskID($0))/cancel")
            },
            Route("POST", Self.generationPath, name: "native_generation", bodyLimit: .audio, errorStyle: .dashScope) {
                try await generation($0)
            },
            Route("GET", "/api/v1/uploads", name: "native_upload_policy", errorStyle: .dashScope) {
                try await forward($0, method: "GET", path: "/api/v1/uploads")
            },
        ]
    }

    /// The upstream call for a client request: its query, allowed headers, body (with `parameters` when asked).
    func call(_ context: RouteContext, method: String, path: String, addParameters: Bool) -> UpstreamRequest {
        let request = context.request
        var body: [UInt8]? = request.body.isEmpty ? nil : request.body
        if addParameters, let given = body { body = ParametersInsertion.apply(to: given) }
        var headers = PassthroughHeaders.upstream(from: request.head.headers)
        headers.append((name: "X-Request-Id", value: context.requestID))
        return UpstreamRequest(method: method, path: path, query: request.head.query, headers: headers, body: body)
    }

    /// Sends the call and relays DashScope's answer as it came: status, headers, body bytes.
    func forward(_ context: RouteContext, method: String, path: String, addParameters: Bool = false) async throws -> HTTPResponse {
        let response = try await upstream.client.send(call(context, method: method, path: path, addParameters: addParameters))
        context.trace.recordUpstream(response.duration, requestID: response.header("x-request-id") ?? response.requestID)
        return HTTPResponse(
            status: response.status, headers: PassthroughHeaders.downstream(from: response.headers), body: .bytes(response.body))
    }

    /// Flash/Realtime: one JSON relayed as is, or, with `X-DashScope-SSE: enable`, DashScope's events relayed
    /// one by one in DashScope's own framing.
    func generation(_ context: RouteContext) async throws -> HTTPResponse {
        guard context.request.head.headers["X-DashScope-SSE"]?.lowercased() == "enable" else {
            return try await forward(context, method: "POST", path: Self.generationPath, addParameters: true)
        }
        let started = ContinuousClock.now
        let stream = try await upstream.client.stream(
            call(context, method: "POST", path: Self.generationPath, addParameters: true))
        context.trace.recordUpstream(ContinuousClock.now - started, requestID: stream.header("x-request-id"))
        let headers = PassthroughHeaders.downstream(from: stream.headers)
        let isEventStream = stream.header("Content-Type")?.lowercased().contains("text/event-stream") == true
        guard (200..<300).contains(stream.status), isEventStream else {
            return HTTPResponse(status: stream.status, headers: headers, body: .bytes(try await Self.collect(stream)))
        }
        return events.response(stream, headers: headers, requestID: context.requestID)
    }

    /// The whole body of an answer that is not an event stream (errors, or JSON although SSE was asked).
    static func collect(_ stream: UpstreamStream, limit: Int = 64 << 20) async throws -> [UInt8] {
        var body: [UInt8] = []
        do {
            for try await chunk in stream.body {
                body += chunk
                if body.count > limit {
                    throw DashScopeError.invalidResponse("DashScope's answer was larger than the gateway accepts")
                }
            }
        } catch {
            throw DashScopeClient.classify(error)
        }
        return body
    }
}
