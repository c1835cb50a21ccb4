import DashScope
import JSON
import MicroHTTPServer

/// File submits answered as soon as the body is received (`Prefer: respond-async`): 202 with a gateway upload id,
/// the upload and submit go on in the background, and `GET /v1/transcriptions/{upload_id}` shows the bytes sent
/// per file, then the task it became (or why it failed).
extension TranscriptionRoutes {
    /// True when the request asks for an answer before the work is done (RFC 7240 `Prefer: respond-async`).
    static func prefersAsync(_ head: HTTPRequestHead) -> Bool {
        head.headers.values("Prefer").contains { value in
            value.split(separator: ",").contains { String($0.split(separator: ";").first ?? "").trimmingWhitespace().lowercased() == "respond-async" }
        }
    }

    /// Reads and checks the files (a 4xx now for a bad option, callback or size), answers 202 with the upload id,
    /// and uploads and submits in the background.
    func submitUploadingLater(_ form: FileSubmission.Form, _ context: RouteContext) async throws -> HTTPResponse {
        let files = FileSubmission(client: client)
        let spooled = try await files.spool(form, context)
        let callbackURL = try WebhookSubmitCheck(configuration: webhooks).callback(for: spooled.submission)
        let id = uploads.start(files: spooled.files.map { ($0.name, $0.spool.size) }, label: spooled.submission.label)
        // The request's trace ends with this answer: the background work tags its upstream calls with the id only.
        let call = CallContext(requestID: context.requestID)
        let (uploads, client, jobs) = (uploads, client, jobs)
        Task.detached {
            do {
                let (submission, _) = try await files.upload(spooled, call: call) { uploads.progress(id, file: $0, sent: $1) }
                let task = try await client.submit(submission.upstreamBody, call)
                await jobs.recordSubmit(
                    taskID: task.taskID, model: submission.model, label: submission.label, source: "local",
                    status: task.status, callbackURL: callbackURL)
                uploads.finish(id, .submitted(taskID: task.taskID))
            } catch {
                uploads.finish(id, .failed(GatewayError.from(error)))
            }
        }
        guard case .object(var body) = uploads.view(id) else { throw GatewayError.notFound("upload \(id) vanished") }
        body["request_id"] = .string(context.requestID)
        return JSONResponse.make(
            .object(body), status: 202,
            headers: ["Location": "/v1/transcriptions/\(id)", "Preference-Applied": "respond-async"])
    }

    /// An upload's view; with `wait` held until it is no longer uploading (or `wait` seconds pass).
    func uploadAnswer(_ id: String, wait: Int) async throws -> HTTPResponse {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(wait))
        while uploads.isUploading(id), clock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard let view = uploads.view(id) else {
            throw GatewayError.notFound(
                "the gateway tracks no upload \(id): unknown, finished more than 24 hours ago, or begun before a restart "
                    + "(uploads in progress do not survive one)")
        }
        var headers: HTTPHeaders = [:]
        if let task = view["task_url"]?.stringValue { headers.replace("Location", task) }
        return JSONResponse.make(view, headers: headers)
    }
}
