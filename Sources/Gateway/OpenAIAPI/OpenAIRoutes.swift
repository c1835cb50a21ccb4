import JSON
import DashScope
import FoundationEssentials
import MicroHTTPServer

/// The OpenAI-compatible API: `POST /v1/audio/transcriptions` served by Fun-ASR-Flash, and `GET /v1/models`.
struct OpenAIRoutes: Sendable {
    let client: DashScopeClient
    let catalog: OpenAIModelCatalog
    let events: EventStream
    /// The job store, for files transcribed as jobs.
    let jobs: JobKeeper

    init(client: DashScopeClient, configuration: GatewayConfiguration, events: EventStream, jobs: JobKeeper) {
        self.client = client
        self.jobs = jobs
        self.catalog = OpenAIModelCatalog(configuration: configuration)
        self.events = events
    }

    var routes: [Route] {
        [
            Route(
                "POST", "/v1/audio/transcriptions", name: "openai_transcriptions", bodyLimit: .files, errorStyle: .openAI,
                streamsBody: { MultipartForm.boundary(contentType: $0.headers["Content-Type"]) != nil },
                passesBodyOnWhen: { Self.spoolsFile(declaredLength: $0.headers["Content-Length"].flatMap { Int($0) }) }
            ) {
                try await transcribe($0)
            },
            Route.immediate("GET", "/v1/models", name: "openai_models", errorStyle: .openAI) { _ in
                JSONResponse.make(catalog.listBody)
            },
            Route.immediate("GET", "/v1/models/{model}", name: "openai_model", errorStyle: .openAI) { context in
                let id = context.parameter("model")
                guard let entry = catalog.entries.first(where: { $0.id == id }) else {
                    throw GatewayError(status: 404, code: "model_not_found", message: "The model '\(id)' does not exist", param: "model")
                }
                return JSONResponse.make(OpenAIModelCatalog.modelObject(entry))
            },
        ]
    }

    /// A form that may carry more than Flash's 10 MB (or does not say) is spooled to disk as it arrives; one that
    /// declares at most 10 MB is encoded for Flash as it streams.
    static func spoolsFile(declaredLength: Int?) -> Bool {
        declaredLength.map { $0 > RecognitionRequest.maxAudioBytes } ?? true
    }

    /// Reads the form; up to 10 MB of audio calls Flash (always as an event stream, so every sentence arrives), a
    /// larger file runs as a transcription job (`OpenAIJobTranscription`); answers in the asked shape.
    func transcribe(_ context: RouteContext) async throws -> HTTPResponse {
        let request: OpenAITranscriptionRequest
        if let body = context.request.bodyStream, Self.spoolsFile(declaredLength: body.declaredLength) {
            let form = try await Self.spooledForm(context.request.head, body)
            let size = form.file?.size ?? 0
            if size > RecognitionRequest.maxAudioBytes {
                let job = try OpenAITranscriptionRequest.parse(
                    form.parts, spooledSize: size, leadingBytes: form.leadingBytes, catalog: catalog)
                return try await OpenAIJobTranscription(client: client, jobs: jobs).transcribe(form, job, context)
            }
            request = try OpenAITranscriptionRequest.parse(form.parts, upload: try Self.flashAudio(form), catalog: catalog)
        } else if let body = context.request.bodyStream {
            let form = try await Self.streamedForm(context.request.head, body)
            request = try OpenAITranscriptionRequest.parse(form.parts, upload: form.file, catalog: catalog)
        } else {
            request = try OpenAITranscriptionRequest.parse(try Self.form(context.request), catalog: catalog)
        }
        // Always DashScope's event stream: only it carries every sentence (a JSON answer names the last one).
        var recognition = request.recognition
        recognition.stream = true
        let answer: RecognitionEvents
        do {
            answer = try await client.recognize(recognition, context.upstream)
        } catch {
            throw Self.blameField(GatewayError.upstream(error))
        }
        if request.stream {
            return events.response(answer, framing: OpenAIEventFraming(request: request, requestID: context.requestID))
        }
        return OpenAITranscriptionResponse.render(try await Self.collect(answer), for: request)
    }

    /// The multipart parts; 413 past Flash's 10 MB for the file, 400 for anything malformed.
    static func form(_ request: HTTPRequest, fileLimit: Int = RecognitionRequest.maxAudioBytes) throws -> [FormPart] {
        do {
            return try MultipartForm.parse(request.body, contentType: request.head.headers["Content-Type"]) { name in
                name == "file" ? fileLimit : OpenAITranscriptionRequest.fieldLimit
            }
        } catch {
            throw formError(error)
        }
    }

    /// The multipart form read as it arrives: fields whole, the file spooled to disk (up to the upload cap).
    static func spooledForm(_ head: HTTPRequestHead, _ body: RequestBodyStream) async throws -> SpooledForm {
        guard let boundary = MultipartForm.boundary(contentType: head.headers["Content-Type"]) else {
            throw formError(.notMultipart)
        }
        do {
            return try await SpooledForm.read(
                body, boundary: boundary, fileField: "file", fileLimit: LocalFileUploader.bodyLimit,
                fieldLimit: OpenAITranscriptionRequest.fieldLimit)
        } catch let error as MultipartFormError {
            throw formError(error)
        }
    }

    /// A spooled file small enough for Flash, encoded for it (read back from disk a piece at a time).
    static func flashAudio(_ form: SpooledForm) throws -> UploadedAudio? {
        guard let file = form.file else { return nil }
        var audio = UploadedAudio(expectedBytes: file.size, limit: RecognitionRequest.maxAudioBytes)
        var offset = 0
        while offset < file.size {
            guard let piece = file.read(at: offset, count: 256 << 10), !piece.isEmpty else { throw SpooledForm.diskError }
            try audio.append(piece)
            offset += piece.count
        }
        audio.audio.finish()
        return audio
    }

    /// The multipart form read as it arrives: fields whole, the file encoded as it streams (413 past Flash's 10 MB
    /// as soon as it passes it), 400 for anything malformed.
    static func streamedForm(
        _ head: HTTPRequestHead, _ body: RequestBodyStream, fileLimit: Int = RecognitionRequest.maxAudioBytes
    ) async throws -> StreamedForm {
        guard let boundary = MultipartForm.boundary(contentType: head.headers["Content-Type"]) else {
            throw formError(.notMultipart)
        }
        do {
            return try await StreamedForm.read(
                body, boundary: boundary, fileField: "file", fileLimit: fileLimit, fieldLimit: OpenAITranscriptionRequest.fieldLimit)
        } catch let error as MultipartFormError {
            throw formError(error)
        } catch var error as GatewayError where error.code == "audio_too_large" {
            error.param = "file"
            throw error
        }
    }

    /// A form that could not be read, as the OpenAI route reports it.
    static func formError(_ error: MultipartFormError) -> GatewayError {
        switch error {
        case .notMultipart:
            return GatewayError.invalidRequest(
                "send the request as multipart/form-data (with a boundary) carrying the audio in the field 'file'")
        case .malformed(let detail):
            return GatewayError.invalidRequest(detail)
        case .partTooLarge(let name, let limit) where name == "file":
            return GatewayError(
                status: 413, code: "audio_too_large",
                message: "the audio file is larger than \(limit) bytes: Fun-ASR-Flash (DashScope) accepts at most 10 MB per request; use POST /v1/transcriptions with a URL for longer audio",
                param: "file")
        case .partTooLarge(let name, let limit):
            return GatewayError.invalidRequest("the field '\(name)' is longer than \(limit) bytes", param: name)
        }
    }

    /// Every event of a Flash stream folded into one transcript; an error frame or a failure becomes the error.
    static func collect(_ events: RecognitionEvents) async throws -> FlashTranscriptAssembler {
        var transcript = FlashTranscriptAssembler()
        do {
            for try await event in events { _ = try transcript.add(event) }
        } catch let error as DashScopeError {
            throw blameField(GatewayError.upstream(error))
        }
        _ = transcript.finish()
        return transcript
    }

    /// DashScope's errors name no field; the OpenAI shape does where the cause is clear.
    static func blameField(_ error: GatewayError) -> GatewayError {
        var error = error
        let message = error.message.lowercased()
        if error.param == nil, error.code == "InvalidParameter" || error.code == "BadRequest.EmptyModel",
           message.contains("model") {
            error.param = "model"
        } else if error.param == nil, error.status == 413 || error.code.hasPrefix("BadRequest.UnsupportedFileFormat") {
            error.param = "file"
        }
        return error
    }
}
