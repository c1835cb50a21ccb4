import FoundationEssentials
import Logging
import MicroHTTPServer
import Synchronization
import WebSockets

/// An in-process DashScope double (dashscope-api.md): serve it with `SimulatorServer` or call `handle(_:)` directly.
public final class Simulator: HTTPHandler {
    /// How the double behaves.
    public let configuration: SimulatorConfiguration
    let clock: any SimulatorClock
    let sleep: SimulatorSleep
    let logger: Logger

    struct State: Sendable {
        var store: TaskStore
        var vocabularies = VocabularyStore()
        var uploads = UploadedObjects()
        var faults = FaultQueue()
        var requests: [RecordedRequest] = []
        var boundBaseURL: String?
        var liveAudio = LiveAudioLog()
    }

    let state: Mutex<State>
    let inFlight = ConcurrencyGauge()

    /// Creates a double; `clock` drives the task lifecycle, `sleep` the pacing and delay faults, `logger` gets one debug line per request.
    public init(
        configuration: SimulatorConfiguration = .interactive,
        clock: any SimulatorClock = SystemSimulatorClock(),
        sleep: @escaping SimulatorSleep = { try await Task.sleep(for: $0) },
        logger: Logger = Logger(label: "DashScopeSimulator")
    ) {
        self.configuration = configuration
        self.clock = clock
        self.sleep = sleep
        self.logger = logger
        let store = TaskStore(
            pendingSeconds: configuration.pendingDuration.seconds, runningSeconds: configuration.runningDuration.seconds,
            retentionSeconds: configuration.retention.seconds)
        state = Mutex(State(store: store))
    }

    /// Makes the next `count` requests to `endpoint` that the fault applies to fail that way.
    public func inject(_ fault: SimulatorFault, for endpoint: SimulatorEndpoint = .any, count: Int = 1) {
        state.withLock { $0.faults.add(fault, for: endpoint, count: count) }
    }

    /// Drops every fault not yet used.
    public func clearFaults() {
        state.withLock { $0.faults.removeAll() }
    }

    /// Every request received (except `/simulator/` control calls), in arrival order.
    public func receivedRequests() -> [RecordedRequest] {
        state.withLock { $0.requests }
    }

    /// The most requests to `endpoint` the double was answering at once (a slow-first-byte fault makes them overlap).
    public func peakConcurrentRequests(to endpoint: SimulatorEndpoint) -> Int {
        inFlight.peak(endpoint)
    }

    /// The objects stored by temporary uploads (`oss://` keys), by key.
    public func uploadedObjects() -> [(key: String, size: Int, fingerprint: UInt64)] {
        state.withLock { $0.uploads.all.map { ($0.key, $0.size, $0.fingerprint) } }
    }

    /// Forgets a task now (queries answer UNKNOWN, its result documents 404), as DashScope does after 24 h.
    @discardableResult
    public func forgetTask(_ id: String) -> Bool {
        state.withLock { $0.store.forget(id) }
    }

    /// What the live-audio WebSocket endpoint received so far.
    public func liveAudioLog() -> LiveAudioLog {
        state.withLock { $0.liveAudio }
    }

    /// Forgets the recorded requests.
    public func clearRecordedRequests() {
        state.withLock { $0.requests.removeAll() }
    }

    /// Sets the root used in result and upload URLs when neither the configuration nor a Host header gives one.
    public func setBoundBaseURL(_ url: String?) {
        state.withLock { $0.boundBaseURL = url }
    }

    /// 20 MiB-ish for Flash/Realtime (inline audio), 110 MiB (or the upload limit plus 1 MiB) for uploads, 1 MiB elsewhere.
    public func bodyLimit(for head: HTTPRequestHead) -> Int {
        switch try? SimulatorRoute.resolve(method: head.method, path: head.path).get() {
        case .generation: configuration.maxInlineAudioBytes / 3 * 4 + 1024 * 1024
        case .ossUpload: max(110, configuration.uploadMaxFileSizeMB + 1) * 1024 * 1024
        default: 1024 * 1024
        }
    }

    /// 413 `BadRequest.TooLarge`.
    public func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse {
        SimulatedError.tooLarge.response(requestID: Self.newRequestID())
    }

    /// Records the request, applies queued faults, then answers as DashScope would.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let head = request.head
        if head.path == "/simulator" || head.path.hasPrefix("/simulator/") { return control(request) }
        let response = await respond(to: request)
        logger.debug("\(head.method) \(head.path) -> \(response.status)", metadata: ["request_id": "\(response.headers["x-request-id"] ?? response.headers["x-oss-request-id"] ?? "-")"])
        return response
    }

    private func respond(to request: HTTPRequest) async -> HTTPResponse {
        let head = request.head
        let now = clock.now()
        state.withLock {
            // An upload's file is not kept: its form fields come first and are what tests look at.
            let kept = head.path == UploadEndpoints.uploadPath ? 64 * 1024 : Int.max
            $0.requests.append(RecordedRequest(request, receivedAt: now, keepingBodyBytes: kept))
            $0.store.purge(at: now)
        }
        let requestID = Self.newRequestID()
        let route: SimulatorRoute
        switch SimulatorRoute.resolve(method: head.method, path: head.path) {
        case .success(let resolved): route = resolved
        case .failure(let error): return error.response(requestID: requestID)
        }
        inFlight.enter(route.endpoint)
        defer { inFlight.leave(route.endpoint) }
        let streaming = route == .generation && head.headers["X-DashScope-SSE"]?.lowercased() == "enable"
        let taken = state.withLock { $0.faults.take(for: route.endpoint, streaming: streaming) }
        if !taken.isEmpty { logger.debug("injecting faults", metadata: ["faults": "\(taken)", "path": "\(head.path)"]) }
        let faults = AppliedFaults(taken)
        if faults.firstByteDelay > 0 {
            do { try await sleep(.milliseconds(Int64(faults.firstByteDelay * 1000))) } catch {}
        }
        if let error = faults.statusError { return error.response(requestID: requestID) }
        let contentType = streaming ? GenerationEndpoint.eventStreamType : "application/json"
        if faults.garbage {
            return HTTPResponse(
                status: 200, headers: ["Content-Type": contentType, "x-request-id": requestID],
                body: .bytes(SSEStream.garbage))
        }
        if !streaming, let size = faults.oversizedBody {
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "application/json", "x-request-id": requestID],
                body: .stream { try? await OversizedBody.write(bytes: size, to: $0) })
        }
        if !streaming, faults.dropAfter != nil {
            return HTTPResponse(
                status: 200, headers: ["Content-Type": contentType, "x-request-id": requestID],
                body: .stream { $0.abortConnection() })
        }
        var apiKey = ""
        if route.needsAPIKey {
            guard let key = authorizedKey(head.headers["Authorization"]) else {
                return SimulatedError.invalidAPIKey.response(requestID: requestID)
            }
            apiKey = key
        }
        let base = baseURL(for: head)
        switch route {
        case .submit:
            let uploads = state.withLock { $0.uploads }
            switch AsyncEndpoints.submit(
                request, apiKey: apiKey, requestID: requestID, now: now, configuration: configuration, uploads: uploads) {
            case .failure(let error): return error.response(requestID: requestID)
            case .success(let task):
                state.withLock { $0.store.add(task) }
                return .dashScopeJSON(status: 200, body: AsyncEndpoints.submitBody(task), requestID: requestID)
            }
        case .query(let taskID):
            let snapshot = state.withLock { $0.store.snapshot(taskID, at: now) }
            let body = AsyncEndpoints.queryBody(
                taskID: taskID, snapshot: snapshot, requestID: requestID, baseURL: base,
                retentionSeconds: configuration.retention.seconds)
            return .dashScopeJSON(status: 200, body: body, requestID: requestID)
        case .list:
            let tasks = state.withLock { $0.store.all(at: now) }
            switch TaskList.body(query: head, tasks: tasks, now: now, requestID: requestID) {
            case .success(let body): return .dashScopeJSON(status: 200, body: body, requestID: requestID)
            case .failure(let error): return error.response(requestID: requestID)
            }
        case .cancel(let taskID):
            guard state.withLock({ $0.store.cancel(taskID, at: now) }) else {
                return SimulatedError.cannotCancel.response(requestID: requestID)
            }
            return .dashScopeJSON(status: 200, body: AsyncEndpoints.cancelBody(requestID: requestID), requestID: requestID)
        case .uploadPolicy:
            guard head.queryValue("action") == "getPolicy" else {
                return SimulatedError.invalidParameter("Parameter \"action\" must be getPolicy.").response(requestID: requestID)
            }
            guard let model = head.queryValue("model"), !model.isEmpty else {
                return SimulatedError.emptyModel.response(requestID: requestID)
            }
            let body = UploadEndpoints.policyBody(
                model: model, apiKey: apiKey, baseURL: base, now: now, requestID: requestID, configuration: configuration)
            return .dashScopeJSON(status: 200, body: body, requestID: requestID)
        case .ossUpload:
            return UploadEndpoints.upload(request, now: now, requestID: requestID) { object, forbidOverwrite in
                state.withLock { $0.uploads.insert(object, forbidOverwrite: forbidOverwrite) }
            }
        case .result(let taskID, let index):
            let store = state.withLock { $0.store }
            return ResultDocuments.fetch(head, taskID: taskID, index: index, store: store, now: now, requestID: requestID)
        case .customization:
            return state.withLock { VocabularyEndpoint.respond(to: request, store: &$0.vocabularies, now: now, requestID: requestID) }
        case .liveAudio:
            if let problem = WebSocketHandshake.problem(method: head.method, header: { head.headers[$0] }) {
                return SimulatedError.invalidParameter(problem).response(requestID: requestID)
            }
            let session = LiveAudioSession(faults: faults, idleTimeout: configuration.liveAudioIdleTimeout) { update in
                self.state.withLock { update(&$0.liveAudio) }
            }
            return .webSocket(key: head.headers["Sec-WebSocket-Key"] ?? "") { await session.run($0) }
        case .generation:
            return GenerationEndpoint.respond(
                to: request, requestID: requestID, streaming: streaming, faults: faults,
                configuration: configuration, sleep: sleep,
                ossObject: { url, model in
                    self.state.withLock { $0.uploads.resolve(url, apiKey: apiKey, model: model, at: now) != nil }
                })
        }
    }

    /// The key of a `Bearer` header the configuration accepts, or nil.
    func authorizedKey(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.trimmingWhitespace().split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let key = parts[1].trimmingWhitespace()
        guard !key.isEmpty else { return nil }
        return configuration.acceptedAPIKeys.isEmpty || configuration.acceptedAPIKeys.contains(key) ? key : nil
    }

    /// The configured root, else `http://<Host>`, else the bound server's, else `http://127.0.0.1`.
    func baseURL(for head: HTTPRequestHead) -> String {
        var base = configuration.baseURL
            ?? head.headers["Host"].map { "http://" + $0 }
            ?? state.withLock { $0.boundBaseURL }
            ?? "http://127.0.0.1"
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    static func newRequestID() -> String {
        UUID().uuidString.lowercased()
    }
}
