import DashScope
import JSON
import MicroHTTPServer

/// The DashScope-native passthrough under `/api/v1/...`: the same paths as DashScope, the gateway's key injected
/// (the client's `Authorization` never travels), and answers relayed without re-encoding. The DashScope client
/// adds what a body needs and the client forgot (`parameters`, `X-DashScope-Async`, the `oss://` resolve header).
struct NativeRoutes: Sendable {
    let client: DashScopeClient
    let events: EventStream
    /// Records native submits in the job store.
    let jobs: JobKeeper

    var routes: [Route] {
        [
            Route("POST", DashScopePaths.transcription, name: "native_submit", errorStyle: .dashScope) {
                try await submit($0)
            },
            passthrough("GET", DashScopePaths.tasks, name: "native_task_list", withoutTask: true) { _ in DashScopePaths.tasks },
            passthrough("GET", "/api/v1/tasks/{id}", name: "native_task_query", withoutTask: true) {
                DashScopePaths.task(try TaskID.from($0))
            },
            passthrough("POST", "/api/v1/tasks/{id}", name: "native_task_query") { DashScopePaths.task(try TaskID.from($0)) },
            passthrough("POST", "/api/v1/tasks/{id}/cancel", name: "native_task_cancel") {
                DashScopePaths.cancel(try TaskID.from($0))
            },
            passthrough("POST", DashScopePaths.generation, name: "native_generation", bodyLimit: .audio) { _ in
                DashScopePaths.generation
            },
            passthrough("POST", DashScopePaths.customization, name: "native_customization") { _ in
                DashScopePaths.customization
            },
            passthrough("GET", DashScopePaths.uploads, name: "native_upload_policy") { _ in DashScopePaths.uploads },
        ]
    }

    /// A route relayed to DashScope's `path` with the same method; `withoutTask` (the polling calls, answered
    /// whole) starts it on the server's thread and relays the answer from the event loop that read it.
    private func passthrough(
        _ method: String, _ pattern: String, name: String, bodyLimit: BodyLimitClass = .json, withoutTask: Bool = false,
        path: @escaping @Sendable (RouteContext) throws -> String
    ) -> Route {
        var relay: Route.Relay?
        if withoutTask {
            relay = { @Sendable context, reply in
                try self.relay(context, method: method, path: path(context), reply: reply)
            }
        }
        return Route(method, pattern, name: name, bodyLimit: bodyLimit, errorStyle: .dashScope, relay: relay) {
            try await forward($0, method: method, path: try path($0))
        }
    }

    /// Relays a native submit, and records the task DashScope answered in the job store, with the default webhook
    /// when one is configured (DashScope's body has no callback field).
    func submit(_ context: RouteContext) async throws -> HTTPResponse {
        let response = try await forward(context, method: "POST", path: DashScopePaths.transcription)
        if response.status == 200, case .bytes(let body) = response.body,
           let answer = JSONValue.parse(body), let task = try? SubmittedTask(json: answer) {
            let model = JSONValue.parse(context.request.body)?["model"]?.stringValue ?? "unknown"
            await jobs.recordSubmit(
                taskID: task.taskID, model: model, label: nil, source: "native", status: task.status,
                callbackURL: jobs.defaultCallbackURL)
        }
        return response
    }

    /// Sends the client's request (its query, allowed headers and body) and relays DashScope's answer as it came:
    /// status, headers, body bytes — or, for `X-DashScope-SSE: enable`, each event in DashScope's own framing.
    func forward(_ context: RouteContext, method: String, path: String) async throws -> HTTPResponse {
        switch try await client.forward(Self.upstreamRequest(context, method: method, path: path), context.upstream) {
        case .whole(let response):
            return Self.relayed(response)
        case .events(let status, let headers, let stream):
            let framing = DashScopeEventFraming(
                requestID: context.requestID,
                upstreamRequestID: headers.first { $0.name.lowercased() == "x-request-id" }?.value)
            return events.response(
                stream, framing: framing, status: status, headers: PassthroughHeaders.downstream(from: headers))
        }
    }

    /// `forward` without a task for a call answered whole (a task query or list, the hottest passthrough calls):
    /// sent from the server's thread, relayed from the event loop that read the answer. False for an event stream,
    /// which `forward` then serves.
    private func relay(
        _ context: RouteContext, method: String, path: String,
        reply: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void
    ) -> Bool {
        client.forwardWithoutTask(Self.upstreamRequest(context, method: method, path: path), context.upstream) { result in
            reply(result.map(Self.relayed).mapError { $0 })
        }
    }

    /// The client's request as sent on: its query, allowed headers and body.
    private static func upstreamRequest(_ context: RouteContext, method: String, path: String) -> UpstreamRequest {
        let request = context.request
        return UpstreamRequest(
            method: method, path: path, query: request.head.query,
            headers: PassthroughHeaders.upstream(from: request.head.headers),
            body: request.body.isEmpty ? nil : request.body)
    }

    /// DashScope's whole answer as the client gets it: status, the headers that may pass, the body's bytes.
    private static func relayed(_ response: UpstreamResponse) -> HTTPResponse {
        HTTPResponse(
            status: response.status, headers: PassthroughHeaders.downstream(from: response.headers),
            body: .bytes(response.body))
    }
}
