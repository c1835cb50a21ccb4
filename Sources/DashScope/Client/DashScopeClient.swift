import JSON
import ServerSentEvents

/// The one DashScope client: every upstream call the gateway makes goes through it. It owns the protocol —
/// paths, `X-DashScope-*` headers, the `parameters` rule, error answers and frames, body caps, `Retry-After`,
/// request ids and timing — so the routes above it deal in typed values only.
public final class DashScopeClient: Sendable {
    /// Where calls go.
    public let endpoint: DashScopeEndpoint
    /// Which result URLs may be fetched.
    public let resultPolicy: ResultURLPolicy
    let transport: HTTPTransport

    /// Creates a client with its own connection pool; call `shutdown()` when done.
    public init(endpoint: DashScopeEndpoint, apiKey: APIKey, timeouts: UpstreamTimeouts = UpstreamTimeouts()) {
        self.endpoint = endpoint
        self.resultPolicy = ResultURLPolicy(endpoint: endpoint)
        self.transport = HTTPTransport(endpoint: endpoint, apiKey: apiKey, timeouts: timeouts)
    }

    /// The deadlines applied.
    public var timeouts: UpstreamTimeouts { transport.timeouts }

    /// Closes the connection pool.
    public func shutdown() async {
        await transport.shutdown()
    }

    // MARK: Async file transcription

    /// Submits a transcription task (`parameters` added when missing, `X-DashScope-Async` and the `oss://` resolve
    /// header set as needed).
    public func submit(_ body: JSONValue, _ call: CallContext) async throws(DashScopeError) -> SubmittedTask {
        let json = try await jsonCall(.json(DashScopePaths.transcription, body: Self.withParameters(body)), call)
        do {
            return try SubmittedTask(json: json)
        } catch {
            throw call.failed(.invalidResponse("DashScope accepted the task but sent no task_id"))
        }
    }

    /// One task's state.
    public func task(_ id: String, _ call: CallContext) async throws(DashScopeError) -> TaskQueryResponse {
        let json = try await jsonCall(UpstreamRequest(method: "GET", path: DashScopePaths.task(id)), call)
        return try decoded(json, call) { json throws(JSONShapeError) in try TaskQueryResponse(json: json) }
    }

    /// A page of the account's tasks.
    public func listTasks(_ query: [(name: String, value: String)], _ call: CallContext) async throws(DashScopeError) -> TaskListResponse {
        let json = try await jsonCall(UpstreamRequest(method: "GET", path: DashScopePaths.tasks, query: query), call)
        return try decoded(json, call) { json throws(JSONShapeError) in try TaskListResponse(json: json) }
    }

    /// Cancels a PENDING task; returns DashScope's request id.
    public func cancel(_ id: String, _ call: CallContext) async throws(DashScopeError) -> String? {
        try await jsonCall(UpstreamRequest(method: "POST", path: DashScopePaths.cancel(id)), call)["request_id"]?.stringValue
    }

    /// A result document's bytes, fetched without the key and only from allowed hosts.
    public func resultDocument(_ url: String, _ call: CallContext) async throws(DashScopeError) -> [UInt8] {
        guard resultPolicy.allows(url) else { throw call.failed(.resultURLRefused) }
        let response: UpstreamResponse
        do {
            response = try await transport.fetchUnauthenticated(url)
        } catch {
            throw call.failed(error)
        }
        call.observer?.upstreamAnswered(after: response.duration, requestID: nil)
        guard response.isSuccess else {
            throw call.failed(response.status == 403 || response.status == 404
                ? .resultExpired : .resultDownloadFailed(status: response.status))
        }
        return response.body
    }

    /// Any URL fetched without the key, whatever it answers (the container health probe uses it on the gateway).
    public func fetchWithoutKey(_ url: String, maxBodyBytes: Int) async throws(DashScopeError) -> UpstreamResponse {
        try await transport.fetchUnauthenticated(url, maxBodyBytes: maxBodyBytes)
    }

    // MARK: Synchronous recognition (Flash, Realtime)

    /// Recognizes audio with Flash or Realtime: DashScope's events one by one (`request.stream`), or its one JSON
    /// answer as a single event.
    public func recognize(_ recognition: RecognitionRequest, _ call: CallContext) async throws(DashScopeError) -> RecognitionEvents {
        let request = UpstreamRequest.json(
            DashScopePaths.generation, body: Self.withParameters(recognition.upstreamBody),
            headers: [("X-DashScope-SSE", recognition.stream ? "enable" : "disable")])
        switch try await openEvents(request, call) {
        case .events(_, _, let events):
            return events
        case .whole(let response):
            guard JSONValue.parse(response.body) != nil else {
                throw call.failed(.invalidResponse("DashScope answered neither an event stream nor JSON"))
            }
            let answer = ServerSentEvent(id: "1", event: "result", data: String(decoding: response.body, as: UTF8.self))
            return RecognitionEvents(.single(answer), call: call)
        }
    }

    // MARK: Native passthrough

    /// Sends a client's request as DashScope would get it from an SDK, with the key, the `parameters` rule and
    /// the headers the body needs; any answer comes back (errors included), a 2xx event stream as events.
    public func forward(_ request: UpstreamRequest, _ call: CallContext) async throws(DashScopeError) -> ForwardedAnswer {
        var request = request
        if request.method == "POST", DashScopePaths.needsParameters(request.path), let body = request.body {
            request.body = ParametersInsertion.apply(to: body)
        }
        let wantsEvents = request.headers.contains { $0.name.lowercased() == "x-dashscope-sse" && $0.value.lowercased() == "enable" }
        if wantsEvents { return try await openEvents(request, call, passErrors: true) }
        let response = try await exchange(request, call)
        if let error = response.error { _ = call.failed(error) }
        return .whole(response)
    }

    /// The temporary-upload policy for a model (dashscope-api.md §5).
    public func uploadPolicy(model: String, _ call: CallContext) async throws(DashScopeError) -> UploadPolicy {
        let json = try await jsonCall(UpstreamRequest(
            method: "GET", path: DashScopePaths.uploads, query: [("action", "getPolicy"), ("model", model)]), call)
        return try decoded(json, call) { json throws(JSONShapeError) in try UploadPolicy(json: json) }
    }

    // MARK: Exchanges

    /// The request as sent: `X-Request-Id` and the `X-DashScope-*` headers its path and body need added.
    func prepared(_ request: UpstreamRequest, _ call: CallContext) -> UpstreamRequest {
        var request = call.tagged(request)
        let present = Set(request.headers.map { $0.name.lowercased() })
        request.headers += DashScopePaths.requiredHeaders(path: request.path, body: request.body, present: present)
        return request
    }

    /// One whole exchange with the key; reports its timing; any status.
    func exchange(_ request: UpstreamRequest, _ call: CallContext) async throws(DashScopeError) -> UpstreamResponse {
        let response: UpstreamResponse
        do {
            response = try await transport.send(prepared(request, call))
        } catch {
            throw call.failed(error)
        }
        call.observer?.upstreamAnswered(after: response.duration, requestID: response.requestID)
        return response
    }

    /// A call whose 2xx answer is a JSON value; any other answer throws its error.
    func jsonCall(_ request: UpstreamRequest, _ call: CallContext) async throws(DashScopeError) -> JSONValue {
        let response = try await exchange(request, call)
        if let error = response.error { throw call.failed(error) }
        guard let json = JSONValue.parse(response.body) else {
            throw call.failed(.invalidResponse("DashScope's answer was not JSON"))
        }
        return json
    }

    /// Opens a call that may answer an event stream: a 2xx stream as events; anything else read whole (bounded).
    /// Non-2xx answers throw their error unless `passErrors` (the native passthrough relays them).
    func openEvents(_ request: UpstreamRequest, _ call: CallContext, passErrors: Bool = false) async throws(DashScopeError) -> ForwardedAnswer {
        let started = ContinuousClock.now
        let stream: UpstreamStream
        do {
            stream = try await transport.stream(prepared(request, call))
        } catch {
            throw call.failed(error)
        }
        call.observer?.upstreamAnswered(after: ContinuousClock.now - started, requestID: stream.header("x-request-id"))
        let isEventStream = stream.header("Content-Type")?.lowercased().contains("text/event-stream") == true
        let success = (200..<300).contains(stream.status)
        if success, isEventStream {
            return .events(status: stream.status, headers: stream.headers, events: RecognitionEvents(.body(stream.body), call: call))
        }
        let body = try await collect(stream, limit: success || passErrors ? AnswerCaps.whole : AnswerCaps.errorBody, call)
        let response = UpstreamResponse(status: stream.status, headers: stream.headers, body: body, duration: ContinuousClock.now - started)
        if success || passErrors {
            if !success, let error = response.error { _ = call.failed(error) }
            return .whole(response)
        }
        throw call.failed(Self.streamError(response, isEventStream: isEventStream))
    }

    /// A streamed call's error answer: its first SSE error frame, or DashScope's error JSON; HTTP status wins.
    static func streamError(_ response: UpstreamResponse, isEventStream: Bool) -> DashScopeError {
        let retryAfter = response.header("Retry-After")
        if isEventStream {
            var parser = SSEParser()
            let events = ((try? parser.feed(response.body)) ?? []) + [parser.finish()].compactMap { $0 }
            if let frame = events.first {
                var error = ErrorFrame.error(from: frame, fallbackStatus: response.status, retryAfter: retryAfter)
                error.status = response.status
                return .api(error)
            }
        }
        return DashScopeError.fromErrorAnswer(
            status: response.status, body: response.body, headerRequestID: response.header("x-request-id"),
            retryAfter: retryAfter)
    }

    /// The body of a streamed answer read whole, up to `limit` (an error body stops there; an answer fails past it).
    private func collect(_ stream: UpstreamStream, limit: Int, _ call: CallContext) async throws(DashScopeError) -> [UInt8] {
        var body: [UInt8] = []
        do {
            for try await chunk in stream.body {
                body += chunk
                if body.count >= limit { break }
            }
        } catch {
            throw call.failed(HTTPTransport.classify(error))
        }
        if body.count > limit, limit == AnswerCaps.whole {
            throw call.failed(.invalidResponse("DashScope's answer was larger than the gateway accepts"))
        }
        return body
    }

    /// Decodes a model, or reports DashScope's answer as not of the expected shape.
    func decoded<T>(_ json: JSONValue, _ call: CallContext, _ read: (JSONValue) throws(JSONShapeError) -> T) throws(DashScopeError) -> T {
        do {
            return try read(json)
        } catch {
            throw call.failed(.invalidResponse("DashScope's answer did not have the expected shape (\(T.self))"))
        }
    }

    /// The body as JSON text with a `parameters` object (DashScope fails tasks submitted without one).
    static func withParameters(_ body: JSONValue) -> [UInt8] {
        guard case .object(var members) = body, members["parameters"] == nil else { return body.serialized() }
        members["parameters"] = .object([:])
        return JSONValue.object(members).serialized()
    }
}

/// What the native passthrough gets back: a whole answer (any status), or a 2xx event stream.
public enum ForwardedAnswer: Sendable {
    /// The whole answer, as DashScope sent it.
    case whole(UpstreamResponse)
    /// DashScope's status and headers, then its events as they arrive.
    case events(status: Int, headers: [(name: String, value: String)], events: RecognitionEvents)
}
