import ASCIIText
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
    /// When failed calls are tried again.
    public let retryPolicy: RetryPolicy
    let transport: HTTPTransport

    /// Creates a client with its own connection pools; call `shutdown()` when done. `wholeAnswers` picks the
    /// transport of small whole-answer calls (NIO's codec unless told otherwise; the contract is the same).
    public init(
        endpoint: DashScopeEndpoint, apiKey: APIKey, timeouts: UpstreamTimeouts = UpstreamTimeouts(),
        retryPolicy: RetryPolicy = RetryPolicy(), wholeAnswers: WholeAnswerPath = .nio
    ) {
        self.endpoint = endpoint
        self.resultPolicy = ResultURLPolicy(endpoint: endpoint)
        self.retryPolicy = retryPolicy
        self.transport = HTTPTransport(endpoint: endpoint, apiKey: apiKey, timeouts: timeouts, wholeAnswers: wholeAnswers)
    }

    /// The deadlines applied.
    public var timeouts: UpstreamTimeouts { transport.timeouts }

    /// Sends `key` with every call from now on (key rotation); calls and streams in flight are not disturbed.
    public func rotateKey(_ key: APIKey) {
        transport.replaceKey(key)
    }

    /// Closes the connection pool.
    public func shutdown() async {
        await transport.shutdown()
    }

    // MARK: Async file transcription

    /// Submits a transcription task (`parameters` added when missing, `X-DashScope-Async` and the `oss://` resolve
    /// header set as needed).
    public func submit(_ body: JSONValue, _ call: CallContext) async throws(DashScopeError) -> SubmittedTask {
        let json = try await jsonCall(.json(DashScopePaths.transcription, body: Self.withParameters(body)), call, idempotent: false)
        do {
            return try SubmittedTask(json: json)
        } catch {
            throw call.failed(.invalidResponse("DashScope accepted the task but sent no task_id"))
        }
    }

    /// One task's state.
    public func task(_ id: String, _ call: CallContext) async throws(DashScopeError) -> TaskQueryResponse {
        let json = try await jsonCall(UpstreamRequest(method: "GET", path: DashScopePaths.task(id)), call, idempotent: true)
        return try decoded(json, call) { json throws(JSONShapeError) in try TaskQueryResponse(json: json) }
    }

    /// A page of the account's tasks.
    public func listTasks(_ query: [(name: String, value: String)], _ call: CallContext) async throws(DashScopeError) -> TaskListResponse {
        let json = try await jsonCall(UpstreamRequest(method: "GET", path: DashScopePaths.tasks, query: query), call, idempotent: true)
        return try decoded(json, call) { json throws(JSONShapeError) in try TaskListResponse(json: json) }
    }

    /// Cancels a PENDING task; returns DashScope's request id.
    public func cancel(_ id: String, _ call: CallContext) async throws(DashScopeError) -> String? {
        try await jsonCall(UpstreamRequest(method: "POST", path: DashScopePaths.cancel(id)), call, idempotent: false)["request_id"]?.stringValue
    }

    /// A result document's bytes, fetched without the key and only from allowed hosts; reading stops past
    /// `maxBytes` (`resultTooLarge`), so an oversized document never sits in memory whole.
    public func resultDocument(
        _ url: String, _ call: CallContext, maxBytes: Int = 64 << 20
    ) async throws(DashScopeError) -> [UInt8] {
        guard resultPolicy.allows(url) else { throw call.failed(.resultURLRefused) }
        let response: UpstreamResponse
        var oversized = false
        do throws(DashScopeError) {
            response = try await retrying(idempotent: true, call) { () async throws(TransportFailure) -> UpstreamResponse in
                do throws(TransportFailure) {
                    let response = try await self.transport.fetchUnauthenticated(url, maxBodyBytes: maxBytes)
                    call.observer?.upstreamAnswered(after: response.duration, requestID: nil)
                    return response
                } catch {
                    oversized = error.bodyTooLarge
                    throw error
                }
            }
        } catch {
            throw call.failed(oversized ? .resultTooLarge(limit: maxBytes) : error)
        }
        guard response.isSuccess else {
            throw call.failed(response.status == 403 || response.status == 404
                ? .resultExpired : .resultDownloadFailed(status: response.status))
        }
        return response.body
    }

    /// Any URL fetched without the key, whatever it answers (the container health probe uses it on the gateway).
    public func fetchWithoutKey(_ url: String, maxBodyBytes: Int) async throws(DashScopeError) -> UpstreamResponse {
        do {
            return try await transport.fetchUnauthenticated(url, maxBodyBytes: maxBodyBytes)
        } catch {
            throw error.error
        }
    }

    // MARK: Synchronous recognition (Flash, Realtime)

    /// Recognizes audio with Flash or Realtime: DashScope's events one by one (`request.stream`), or its one JSON
    /// answer as a single event.
    public func recognize(_ recognition: RecognitionRequest, _ call: CallContext) async throws(DashScopeError) -> RecognitionEvents {
        let request = UpstreamRequest.json(
            DashScopePaths.generation, body: recognition.upstreamBodyBytes(),
            headers: [("X-DashScope-SSE", recognition.stream ? "enable" : "disable")])
        switch try await openEvents(request, call) {
        case .events(_, _, let events):
            return events
        case .whole(let response):
            // A JSON answer is what a non-streamed call expects, and its reader parses it; checked here only when
            // events were asked for (the stream must not relay garbage as a `result`).
            guard !recognition.stream || JSONValue.parse(response.body) != nil else {
                throw call.failed(.invalidResponse("DashScope answered neither an event stream nor JSON"))
            }
            let answer = ServerSentEvent(id: "1", event: "result", data: String(decoding: response.body, as: UTF8.self))
            return RecognitionEvents(.single(answer), call: call)
        }
    }

    // MARK: Native passthrough

    /// Sends a client's request as DashScope would get it from an SDK, with the key, the `parameters` rule and
    /// the headers the body needs; any answer comes back (errors included), a 2xx event stream as events. A GET is
    /// retried like the other idempotent calls unless `retrying` is false (the readiness probe reports at once).
    public func forward(_ request: UpstreamRequest, _ call: CallContext, retrying: Bool = true) async throws(DashScopeError) -> ForwardedAnswer {
        let request = Self.forwardable(request)
        if Self.wantsEvents(request) { return try await openEvents(request, call, passErrors: true) }
        let response = try await exchange(request, call, idempotent: request.method == "GET", retrying: retrying)
        if let error = response.error { _ = call.failed(error) }
        return .whole(response)
    }

    /// `forward` for a call answered whole, without a task: the first attempt is sent from the caller's thread and
    /// `completion` runs on the event loop that read the answer (a retry, when the policy allows one, waits in a
    /// task). Nothing cancels the call; its deadline ends it. False, and nothing sent, for an event stream.
    public func forwardWithoutTask(
        _ request: UpstreamRequest, _ call: CallContext,
        completion: @escaping @Sendable (Result<UpstreamResponse, DashScopeError>) -> Void
    ) -> Bool {
        let request = Self.forwardable(request)
        guard !Self.wantsEvents(request) else { return false }
        let prepared = prepared(request, call)
        let idempotent = request.method == "GET"
        let policy = retryPolicy
        let started = ContinuousClock.now
        transport.start(prepared) { [self] result in
            if case .success(let response) = result {
                call.observer?.upstreamAnswered(after: response.duration, requestID: response.requestID)
            }
            switch verdict(after: result, attempts: 1, started: started, idempotent: idempotent, policy: policy) {
            case .final(let outcome):
                completion(forwarded(outcome, call))
            case .again(let pause):
                Task {
                    do throws(DashScopeError) {
                        try await wait(pause, call)
                        let response = try await sendRetrying(
                            prepared, call, idempotent: idempotent, policy: policy, attemptsMade: 1, started: started)
                        completion(forwarded(.success(response), call))
                    } catch {
                        completion(forwarded(.failure(error), call))
                    }
                }
            }
        }
        return true
    }

    /// A whole answer as `forward` hands it on: failures and error answers reported to the call.
    private func forwarded(_ outcome: Result<UpstreamResponse, DashScopeError>, _ call: CallContext) -> Result<UpstreamResponse, DashScopeError> {
        switch outcome {
        case .success(let response):
            if let error = response.error { _ = call.failed(error) }
            return .success(response)
        case .failure(let error):
            return .failure(call.failed(error))
        }
    }

    /// A forwarded POST to a path that needs `parameters` gets it.
    private static func forwardable(_ request: UpstreamRequest) -> UpstreamRequest {
        var request = request
        if request.method == "POST", DashScopePaths.needsParameters(request.path), let body = request.body {
            request.body = ParametersInsertion.apply(to: body)
        }
        return request
    }

    /// True when the client asked for DashScope's event stream (`X-DashScope-SSE: enable`).
    private static func wantsEvents(_ request: UpstreamRequest) -> Bool {
        request.headers.contains { ASCIICase.equal($0.name, "x-dashscope-sse") && ASCIICase.equal($0.value, "enable") }
    }

    /// The temporary-upload policy for a model (dashscope-api.md §5).
    public func uploadPolicy(model: String, _ call: CallContext) async throws(DashScopeError) -> UploadPolicy {
        let json = try await jsonCall(UpstreamRequest(
            method: "GET", path: DashScopePaths.uploads, query: [("action", "getPolicy"), ("model", model)]), call, idempotent: true)
        return try decoded(json, call) { json throws(JSONShapeError) in try UploadPolicy(json: json) }
    }

    // MARK: Exchanges

    /// The request as sent: `X-Request-Id` and the `X-DashScope-*` headers its path and body need added.
    func prepared(_ request: UpstreamRequest, _ call: CallContext) -> UpstreamRequest {
        var request = call.tagged(request)
        // Only a submit or a body can need a header added; a plain GET skips building the set of names.
        let mayNeedHeaders = request.path == DashScopePaths.transcription || request.body != nil
        let present = mayNeedHeaders ? Set(request.headers.map { $0.name.lowercased() }) : []
        request.headers += DashScopePaths.requiredHeaders(path: request.path, body: request.body, present: present)
        return request
    }

    /// One whole exchange with the key (retried as the policy allows); reports each answer's timing; any status.
    func exchange(
        _ request: UpstreamRequest, _ call: CallContext, idempotent: Bool, retrying: Bool = true
    ) async throws(DashScopeError) -> UpstreamResponse {
        do {
            return try await sendRetrying(prepared(request, call), call, idempotent: idempotent, policy: retrying ? retryPolicy : .never)
        } catch {
            throw call.failed(error)
        }
    }

    /// A prepared request sent (and sent again as the policy allows), each answer's timing reported.
    private func sendRetrying(
        _ request: UpstreamRequest, _ call: CallContext, idempotent: Bool, policy: RetryPolicy,
        attemptsMade: Int = 0, started: ContinuousClock.Instant = .now
    ) async throws(DashScopeError) -> UpstreamResponse {
        try await retrying(idempotent: idempotent, call, policy: policy, attemptsMade: attemptsMade, started: started) {
            () async throws(TransportFailure) -> UpstreamResponse in
            let response = try await self.transport.send(request)
            call.observer?.upstreamAnswered(after: response.duration, requestID: response.requestID)
            return response
        }
    }

    /// A call whose 2xx answer is a JSON value; any other answer throws its error.
    func jsonCall(_ request: UpstreamRequest, _ call: CallContext, idempotent: Bool) async throws(DashScopeError) -> JSONValue {
        let response = try await exchange(request, call, idempotent: idempotent)
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
        let request = prepared(request, call)
        let stream: UpstreamStream
        do {
            // Only a call that was never sent is tried again: DashScope may have started recognizing.
            stream = try await retrying(idempotent: false, call) { () async throws(TransportFailure) -> UpstreamStream in
                try await self.transport.stream(request)
            }
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
                var error = ErrorFrame.error(from: frame, retryAfter: retryAfter)
                error.status = response.status  // the HTTP status wins over the frame's own
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

    /// Runs `attempt` until it succeeds, fails for good, or the policy says stop; an answer whose status the policy
    /// retries (429, 5xx) counts as a failure. Each retry is reported to the observer. A caller that made the first
    /// attempts itself passes their count and start (and has waited the pause after the last).
    func retrying<T: RetryableAnswer>(
        idempotent: Bool, _ call: CallContext, policy: RetryPolicy? = nil,
        attemptsMade: Int = 0, started: ContinuousClock.Instant = .now,
        _ attempt: () async throws(TransportFailure) -> T
    ) async throws(DashScopeError) -> T {
        let policy = policy ?? retryPolicy
        var attempts = attemptsMade
        while true {
            attempts += 1
            let result: Result<T, TransportFailure>
            do {
                result = .success(try await attempt())
            } catch {
                result = .failure(error)
            }
            switch verdict(after: result, attempts: attempts, started: started, idempotent: idempotent, policy: policy) {
            case .final(let outcome): return try outcome.get()
            case .again(let pause): try await wait(pause, call)
            }
        }
    }

    /// What follows an attempt: its outcome for good, or another attempt after a pause.
    private enum Verdict<T> {
        case final(Result<T, DashScopeError>)
        case again(after: Duration)
    }

    /// The retry policy applied to the outcome of attempt number `attempts`.
    private func verdict<T: RetryableAnswer>(
        after result: Result<T, TransportFailure>, attempts: Int, started: ContinuousClock.Instant, idempotent: Bool,
        policy: RetryPolicy
    ) -> Verdict<T> {
        let failure: RetryPolicy.Failure
        let outcome: Result<T, DashScopeError>
        switch result {
        case .success(let value):
            guard let answerFailure = value.retryFailure else { return .final(.success(value)) }
            failure = answerFailure
            outcome = .success(value)
        case .failure(let error):
            if error.error == .cancelled { return .final(.failure(.cancelled)) }
            failure = error.sentNothing ? .notSent : .transport
            outcome = .failure(error.error)
        }
        guard let pause = policy.delay(
            after: failure, attempt: attempts, elapsed: ContinuousClock.now - started, idempotent: idempotent,
            jitter: Double.random(in: 0...1))
        else { return .final(outcome) }
        return .again(after: pause)
    }

    /// The pause before a retry, reported to the observer; cancellation ends it with `.cancelled`.
    private func wait(_ pause: Duration, _ call: CallContext) async throws(DashScopeError) {
        call.observer?.upstreamRetried()
        do {
            try await Task.sleep(for: pause)
        } catch {
            throw .cancelled
        }
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

/// An answer the retry loop can judge: a failure status it may retry, or nil.
protocol RetryableAnswer {
    /// The answer as a retryable failure (429, 5xx), or nil when it is final.
    var retryFailure: RetryPolicy.Failure? { get }
}

extension UpstreamResponse: RetryableAnswer {
    var retryFailure: RetryPolicy.Failure? {
        isSuccess ? nil : .status(status, retryAfter: header("Retry-After"))
    }
}

extension UpstreamStream: RetryableAnswer {
    /// A stream's head is never retried: only a connection that was never made is.
    var retryFailure: RetryPolicy.Failure? { nil }
}
