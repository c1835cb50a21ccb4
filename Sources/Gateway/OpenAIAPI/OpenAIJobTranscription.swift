import DashScope
import JSON
import MicroHTTPServer

/// OpenAI transcriptions of files past Fun-ASR-Flash's 10 MB (issue 12): the file, spooled to disk as it arrived,
/// goes to DashScope's temporary storage, a Fun-ASR job transcribes it, and the answer waits for the job and is
/// rendered in the asked `response_format` exactly like a Flash answer. `prompt` has no job equivalent and is not
/// sent; `stream=true` is refused (a job has no partial results to stream). The job is kept in the job store like
/// any other (label `openai`), so a client that gave up waiting still finds it under /v1/transcriptions, and the
/// default webhook (`--webhook-url`) follows it when configured.
struct OpenAIJobTranscription: Sendable {
    let client: DashScopeClient
    let jobs: JobKeeper
    /// The longest wait for the job; past it a 504 names the task, which goes on (GET /v1/transcriptions/{id}).
    var maxWaitSeconds = 1800

    /// Uploads, submits, waits and renders.
    func transcribe(_ form: SpooledForm, _ request: OpenAITranscriptionRequest, _ context: RouteContext) async throws -> HTTPResponse {
        guard !request.stream else {
            throw GatewayError.invalidRequest(
                "stream=true is available for files up to 10 MB (Fun-ASR-Flash); a larger file is transcribed as a job "
                    + "with no partial results: send it without stream", param: "stream")
        }
        guard let file = form.file, let part = form.parts.first(where: { $0.name == "file" }) else {
            throw GatewayError.invalidRequest("file is required: send the audio as the multipart field 'file'", param: "file")
        }
        let model = TranscriptionSubmission.defaultModel
        var uploader = LocalFileUploader(client: client, model: model, call: context.upstream)
        let url = try await uploader.upload(
            fileName: part.filename ?? "audio.\(request.recognition.format)",
            contentType: part.contentType ?? "application/octet-stream", size: file.size, body: file.pieces())
        var parameters: [String: JSONValue] = [:]
        if let hints = request.recognition.languageHints { parameters["language_hints"] = .array(hints.map(JSONValue.string)) }
        let submitted = try await client.submit(
            TranscriptionSubmission(model: model, fileURLs: [url], parameters: parameters).upstreamBody, context.upstream)
        // OpenAI's form has no callback field: the configured default webhook, if any, follows the job.
        await jobs.recordSubmit(
            taskID: submitted.taskID, model: model, label: "openai", source: "openai", status: submitted.status,
            callbackURL: jobs.defaultCallbackURL)
        let task = try await TaskWaiter(queries: jobs.queries).wait(for: submitted.taskID, seconds: maxWaitSeconds, context.upstream)
        await jobs.observe(task, context.upstream)
        guard task.output.taskStatus.isTerminal else {
            throw GatewayError(
                status: 504, code: "transcription_timeout",
                message: "the transcription job \(submitted.taskID) did not finish within \(maxWaitSeconds) s; it goes on: "
                    + "GET /v1/transcriptions/\(submitted.taskID)?wait=60, then /transcript")
        }
        guard let result = task.output.results?.first, result.subtaskStatus == .succeeded, let documentURL = result.transcriptionURL else {
            let result = task.output.results?.first
            var error = GatewayError(
                status: 422, code: result?.code ?? task.output.code ?? "transcription_failed",
                message: "DashScope could not transcribe the file: \(result?.message ?? task.output.message ?? task.output.taskStatus.rawValue)",
                param: "file")
            error.upstreamRequestID = task.requestID
            throw error
        }
        let bytes: [UInt8]
        if let kept = await jobs.document(submitted.taskID, file: 0) {
            bytes = kept
        } else {
            bytes = try await client.resultDocument(documentURL, context.upstream)
        }
        guard let json = JSONValue.parse(bytes), let document = try? TranscriptionResultDocument(json: json) else {
            throw DashScopeError.invalidResponse("DashScope's result document did not have the expected shape")
        }
        return OpenAITranscriptionResponse.render(FlashTranscriptAssembler(document: document), for: request)
    }
}
