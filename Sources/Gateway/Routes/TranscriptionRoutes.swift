import JSON
import DashScope
import FoundationEssentials
import MicroHTTPServer

/// The local async-transcription API: submit, get (with wait and inline transcripts), transcript, list, cancel.
struct TranscriptionRoutes: Sendable {
    let upstream: UpstreamCalls
    let policy: ResultURLPolicy
    let maxWaitSeconds: Int

    var routes: [Route] {
        [
            Route("POST", "/v1/transcriptions", name: "transcriptions.submit", handler: submit),
            Route("GET", "/v1/transcriptions", name: "transcriptions.list", handler: list),
            Route("GET", "/v1/transcriptions/{id}", name: "transcriptions.get", handler: get),
            Route("GET", "/v1/transcriptions/{id}/transcript", name: "transcriptions.transcript", handler: transcript),
            Route("POST", "/v1/transcriptions/{id}/cancel", name: "transcriptions.cancel", handler: cancel),
        ]
    }

    func submit(_ context: RouteContext) async throws -> HTTPResponse {
        let submission = try TranscriptionSubmission(body: context.request.body)
        var headers: [(name: String, value: String)] = [("X-DashScope-Async", "enable")]
        if submission.needsOssResolve { headers.append(("X-DashScope-OssResourceResolve", "enable")) }
        let response = try await upstream.send(
            .json("/api/v1/services/audio/asr/transcription", body: submission.upstreamBodyBytes, headers: headers), context)
        let json = JSONValue.parse(response.body)
        guard let taskID = json?["output"]?["task_id"]?.stringValue else {
            throw DashScopeError.invalidResponse("DashScope accepted the task but sent no task_id")
        }
        let body: JSONValue = .object([
            "task_id": .string(taskID),
            "task_status": .string(json?["output"]?["task_status"]?.stringValue ?? "PENDING"),
            "request_id": .string(response.requestID ?? context.requestID),
        ])
        return JSONResponse.make(body, status: 202, headers: ["Location": "/v1/transcriptions/\(taskID)"])
    }

    func get(_ context: RouteContext) async throws -> HTTPResponse {
        let id = try Self.taskID(context)
        let wait = try Self.waitSeconds(context.request.head.queryValue("wait"), max: maxWaitSeconds)
        let includeTranscripts = try Self.include(context.request.head.queryValue("include"))
        let task = try await TaskWaiter(upstream: upstream).wait(for: id, seconds: wait, context)
        try Self.requireKnown(task, id: id)
        var view = TaskView.render(task)
        if includeTranscripts {
            view = await inlineTranscripts(into: view, task: task, context)
        }
        return JSONResponse.make(view)
    }

    func transcript(_ context: RouteContext) async throws -> HTTPResponse {
        let id = try Self.taskID(context)
        let formatName = context.request.head.queryValue("format") ?? "json"
        guard formatName == "json" || TranscriptFormat(rawValue: formatName) != nil else {
            throw GatewayError.invalidRequest("format must be one of json, text, srt, vtt", param: "format")
        }
        let fileText = context.request.head.queryValue("file") ?? "0"
        guard let fileIndex = Int(fileText), fileIndex >= 0 else {
            throw GatewayError.invalidRequest("file must be a file index from 0", param: "file")
        }
        let task = try await upstream.queryTask(id, context)
        try Self.requireKnown(task, id: id)
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
        let document = try await upstream.downloadResult(url, policy: policy, context)
        guard let format = TranscriptFormat(rawValue: formatName) else {
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: .bytes(document))
        }
        let parsed = try upstream.decode(TranscriptionResultDocument.self, from: UpstreamResponse(
            status: 200, headers: [], body: document, duration: .zero))
        let text = TranscriptFormatter().format(parsed, as: format)
        return HTTPResponse(status: 200, contentType: format.contentType, text: text)
    }

    func list(_ context: RouteContext) async throws -> HTTPResponse {
        let query = try TaskListQuery(query: context.request.head.query)
        let response = try await upstream.send(
            UpstreamRequest(method: "GET", path: "/api/v1/tasks", query: query.upstreamQueryItems), context)
        return JSONResponse.make(TaskListQuery.render(try upstream.decode(TaskListResponse.self, from: response)))
    }

    func cancel(_ context: RouteContext) async throws -> HTTPResponse {
        let id = try Self.taskID(context)
        do {
            let response = try await upstream.send(
                UpstreamRequest(method: "POST", path: "/api/v1/tasks/\(id)/cancel"), context)
            return JSONResponse.make(.object([
                "task_id": .string(id), "status": .string("CANCELED"),
                "request_id": .string(response.requestID ?? context.requestID),
            ]))
        } catch DashScopeError.api(let status, let code, _, let requestID) where status == 400 && code == "UnsupportedOperation" {
            let current = try? await upstream.queryTask(id, context)
            let state = current.map { $0.output.taskStatus.rawValue } ?? "not PENDING"
            var error = GatewayError.conflict(
                "task \(id) cannot be cancelled: only PENDING tasks can be, and it is \(state)")
            error.upstreamRequestID = requestID
            throw error
        }
    }

    private func inlineTranscripts(into view: JSONValue, task: TaskQueryResponse, _ context: RouteContext) async -> JSONValue {
        guard var object = view.objectValue, var files = object["files"]?.arrayValue else { return view }
        let results = task.output.results ?? []
        let downloads = await withTaskGroup(of: (Int, JSONValue).self) { group in
            for (index, result) in results.enumerated() where result.subtaskStatus == .succeeded {
                guard let url = result.transcriptionURL else { continue }
                group.addTask {
                    do {
                        let bytes = try await upstream.downloadResult(url, policy: policy, context)
                        return (index, .object(["transcript": JSONValue.parse(bytes) ?? .null]))
                    } catch {
                        let failure = GatewayError.from(error)
                        return (index, .object(["transcript_error": .object([
                            "code": .string(failure.code), "message": .string(failure.message),
                        ])]))
                    }
                }
            }
            var collected: [Int: JSONValue] = [:]
            for await (index, value) in group { collected[index] = value }
            return collected
        }
        for (index, addition) in downloads where index < files.count {
            guard var file = files[index].objectValue, let extra = addition.objectValue else { continue }
            file.merge(extra) { _, new in new }
            files[index] = .object(file)
        }
        object["files"] = .array(files)
        return .object(object)
    }

    /// The `{id}` parameter, checked so it cannot smuggle a path into the upstream URL.
    static func taskID(_ context: RouteContext) throws -> String {
        let id = context.parameter("id")
        let valid = (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard valid else { throw GatewayError.invalidRequest("task id must be 1-128 letters, digits, '-' or '_'", param: "id") }
        return id
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
