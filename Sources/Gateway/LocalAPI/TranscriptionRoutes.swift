import JSON
import DashScope
import FoundationEssentials
import MicroHTTPServer

/// The local async-transcription API: submit, get (with wait and inline transcripts), transcript, list, cancel,
/// delete. Every submit is recorded in the job store; a task seen to end has its result documents kept, and from
/// then on get, transcript and inline transcripts are answered from the store (also after DashScope forgot it).
struct TranscriptionRoutes: Sendable {
    let client: DashScopeClient
    let maxWaitSeconds: Int
    /// The job store and what follows tasks into it.
    let jobs: JobKeeper
    /// The `?wait=` long polls held at once; past them a request answers the current state without waiting.
    var waitSlots = WaitSlots(limit: 256)
    /// How `?include=transcripts` downloads and bounds the documents.
    var inliner: TranscriptInliner {
        TranscriptInliner(client: client, budget: inlineTranscriptsBudget)
    }
    /// Most bytes of result documents inlined in one response.
    var inlineTranscriptsBudget = TranscriptInliner.defaultBudget
    /// Webhook signing, default callback and SSRF allow-list.
    var webhooks = WebhookConfiguration()
    /// File submits answered before their upload (`Prefer: respond-async`) and their progress.
    var uploads = UploadTracker()

    var routes: [Route] {
        [
            Route(
                "POST", "/v1/transcriptions", name: "transcriptions.submit", bodyLimit: .files,
                streamsBody: FileSubmission.streamsBody, passesBodyOn: true, handler: submit),
            Route("GET", "/v1/transcriptions", name: "transcriptions.list", handler: list),
            Route("GET", "/v1/transcriptions/{id}", name: "transcriptions.get", handler: get),
            Route("GET", "/v1/transcriptions/{id}/transcript", name: "transcriptions.transcript", handler: transcript),
            Route("POST", "/v1/transcriptions/{id}/cancel", name: "transcriptions.cancel", handler: cancel),
            Route("DELETE", "/v1/transcriptions/{id}", name: "transcriptions.delete", handler: delete),
        ]
    }

    /// 202 with `status` (and `task_status`, its deprecated alias until the next release); with files (multipart or
    /// raw audio) they are uploaded first and listed as `files`.
    func submit(_ context: RouteContext) async throws -> HTTPResponse {
        guard let key = try IdempotentSubmit.key(context.request.head) else { return try await submitOnce(context) }
        return try await IdempotentSubmit(store: jobs.store).run(key: key, context.request) {
            try await submitOnce(context)
        }
    }

    private func submitOnce(_ context: RouteContext) async throws -> HTTPResponse {
        let submission: TranscriptionSubmission
        var uploaded: [FileSubmission.UploadedFile] = []
        if let form = FileSubmission.form(contentType: context.request.head.headers["Content-Type"]) {
            if Self.prefersAsync(context.request.head) { return try await submitUploadingLater(form, context) }
            (submission, uploaded) = try await FileSubmission(client: client).prepare(form, context)
        } else {
            submission = try TranscriptionSubmission(body: context.request.body)
        }
        let callbackURL = try WebhookSubmitCheck(configuration: webhooks).callback(for: submission)
        let task = try await client.submit(submission.upstreamBody, context.upstream)
        await jobs.recordSubmit(
            taskID: task.taskID, model: submission.model, label: submission.label, source: "local", status: task.status,
            callbackURL: callbackURL)
        var body: [String: JSONValue] = [
            "task_id": .string(task.taskID),
            "status": .string(task.status.rawValue),
            "task_status": .string(task.status.rawValue),
            "request_id": .string(task.requestID ?? context.requestID),
        ]
        if !uploaded.isEmpty { body["files"] = .array(uploaded.map(\.json)) }
        body["label"] = submission.label.map(JSONValue.string)
        return JSONResponse.make(.object(body), status: 202, headers: ["Location": "/v1/transcriptions/\(task.taskID)"])
    }

    func get(_ context: RouteContext) async throws -> HTTPResponse {
        let id = try TaskID.from(context)
        var wait = try Self.waitSeconds(context.request.head.queryValue("wait"), max: maxWaitSeconds)
        let includeTranscripts = try Self.include(context.request.head.queryValue("include"))
        if UploadTracker.isUploadID(id) { return try await uploadAnswer(id, wait: wait) }
        let known = await jobs.lookup(id)
        if case .kept(let kept) = known {
            return try await keptAnswer(kept, includeTranscripts: includeTranscripts, context)
        }
        // Past the wait limit the current state is answered at once, flagged: still a correct answer that a
        // polling client handles as any other, where a 503 would turn the gateway's own limit into failures.
        var headers: HTTPHeaders = [:]
        let holdsSlot = wait > 0 && waitSlots.acquire()
        defer { if holdsSlot { waitSlots.release() } }
        if wait > 0, !holdsSlot {
            wait = 0
            headers.replace("X-FunASR-Wait", "skipped")
        }
        let task = try await TaskWaiter(queries: jobs.queries).wait(for: id, seconds: wait, context.upstream)
        try Self.requireKnown(task, id: id)
        // With include=transcripts the inliner's downloads are kept, rather than downloading each document twice.
        // A wait of seconds may outlast what was read before it: read again after one.
        let job = await jobs.observe(task, context.upstream, keepDocuments: !includeTranscripts, known: wait > 0 ? nil : known)
        var view = Self.view(task, job: job, rendered: jobs.queries.rendered(of: task))
        if includeTranscripts, job?.documentsKept == true {
            view = await inliner.inline(into: view, task: task, taskID: id) { await jobs.document(id, file: $0) }
        } else if includeTranscripts {
            let keeping = job != nil && JobKeeper.hasEnded(task.output.taskStatus)
            var kept = 0
            view = await inliner.inline(into: view, task: task, taskID: id, context) { file, bytes in
                if keeping, await jobs.keepDocument(id, file: file, bytes) { kept += 1 }
            }
            if keeping, kept == JobKeeper.documentCount(task) { await jobs.markDocumentsKept(id) }
        }
        return JSONResponse.make(view, headers: headers)
    }

    func transcript(_ context: RouteContext) async throws -> HTTPResponse {
        let id = try TaskID.from(context)
        let formatName = context.request.head.queryValue("format") ?? "json"
        guard formatName == "json" || TranscriptFormat(rawValue: formatName) != nil else {
            throw GatewayError.invalidRequest("format must be one of json, text, srt, vtt", param: "format")
        }
        let fileText = context.request.head.queryValue("file") ?? "0"
        guard let fileIndex = Int(fileText), fileIndex >= 0 else {
            throw GatewayError.invalidRequest("file must be a file index from 0", param: "file")
        }
        let task: TaskQueryResponse
        let documentsKept: Bool
        let known = await jobs.lookup(id)
        if case .kept(let kept) = known {
            task = kept.task
            documentsKept = true
        } else {
            task = try await jobs.queries.task(id, context.upstream)
            try Self.requireKnown(task, id: id)
            documentsKept = await jobs.observe(task, context.upstream, known: known)?.documentsKept == true
        }
        guard task.output.taskStatus.isTerminal else {
            throw GatewayError.conflict(
                "task \(id) is \(task.output.taskStatus.rawValue): the transcript is not ready yet; "
                    + "wait with GET /v1/transcriptions/\(id)?wait=60")
        }
        let results = task.output.results ?? []
        guard fileIndex < results.count else {
            throw GatewayError.notFound("task \(id) has \(results.count) file(s); file=\(fileIndex) does not exist")
        }
        let result = results[fileIndex]
        guard result.subtaskStatus == .succeeded, let url = result.transcriptionURL else {
            var error = GatewayError(
                status: 422, code: result.code ?? "transcription_failed",
                message: "file \(fileIndex) of task \(id) was not transcribed: \(result.message ?? task.output.taskStatus.rawValue)")
            error.upstreamRequestID = task.requestID
            throw error
        }
        let document: [UInt8]
        if documentsKept, let kept = await jobs.document(id, file: fileIndex) {
            document = kept
        } else {
            document = try await client.resultDocument(url, context.upstream)
        }
        guard let format = TranscriptFormat(rawValue: formatName) else {
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: .bytes(document))
        }
        guard let json = JSONValue.parse(document), let parsed = try? TranscriptionResultDocument(json: json) else {
            throw DashScopeError.invalidResponse("DashScope's result document did not have the expected shape")
        }
        let text = TranscriptFormatter().format(parsed, as: format)
        return HTTPResponse(status: 200, contentType: format.contentType, text: text)
    }

    /// The gateway's job store answers by default (no DashScope call); `?source=dashscope` asks DashScope's list.
    func list(_ context: RouteContext) async throws -> HTTPResponse {
        switch context.request.head.queryValue("source") {
        case nil, "store":
            return try await listFromStore(context)
        case "dashscope":
            let query = try TaskListQuery(query: context.request.head.query.filter { $0.name != "source" })
            guard case .object(var page) = TaskListQuery.render(try await client.listTasks(query.upstreamQueryItems, context.upstream)) else {
                throw DashScopeError.invalidResponse("DashScope's task list did not render as an object")
            }
            page["source"] = .string("dashscope")
            return JSONResponse.make(.object(page))
        default:
            throw GatewayError.invalidRequest(
                "source must be store (the gateway's kept jobs, the default) or dashscope (DashScope's own list)", param: "source")
        }
    }

    func cancel(_ context: RouteContext) async throws -> HTTPResponse {
        let id = try TaskID.from(context)
        // A Result rather than do/catch around the typed-throws call: Swift 6.3 crashes ("Found ownership error")
        // on a pattern catch of a typed error in this async function.
        let outcome: Result<String?, DashScopeError>
        do throws(DashScopeError) {
            outcome = .success(try await client.cancel(id, context.upstream))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let requestID):
            return JSONResponse.make(.object([
                "task_id": .string(id), "status": .string("CANCELED"),
                "request_id": .string(requestID ?? context.requestID),
            ]))
        case .failure(.api(let answer)) where answer.status == 400 && answer.code == "UnsupportedOperation":
            let current = try? await client.task(id, context.upstream)
            let state = current.map { $0.output.taskStatus.rawValue } ?? "not PENDING"
            var error = GatewayError.conflict("task \(id) cannot be cancelled: only PENDING tasks can be, and it is \(state)")
            error.upstreamRequestID = answer.requestID
            throw error
        case .failure(let error):
            throw error
        }
    }

    static func waitSeconds(_ text: String?, max: Int) throws -> Int {
        guard let text else { return 0 }
        guard let seconds = Int(text), seconds >= 0 else {
            throw GatewayError.invalidRequest("wait must be a whole number of seconds from 0 to \(max)", param: "wait")
        }
        return min(seconds, max)
    }

    static func include(_ text: String?) throws -> Bool {
        guard let text, !text.isEmpty else { return false }
        guard text == "transcripts" else {
            throw GatewayError.invalidRequest("include accepts only 'transcripts'", param: "include")
        }
        return true
    }

    static func requireKnown(_ task: TaskQueryResponse, id: String) throws {
        if task.output.taskStatus == .unknown {
            var error = GatewayError(
                status: 404, code: "task_not_found",
                message: "task \(id) is unknown to DashScope: it never existed, belongs to another account, or expired (tasks are kept 24 hours)")
            error.upstreamRequestID = task.requestID
            throw error
        }
    }
}
