import JSON
import DashScope
import FoundationEssentials
import MicroHTTPServer
import ServerSentEvents

/// The OpenAI-compatible API: `POST /v1/audio/transcriptions` served by Fun-ASR-Flash, and `GET /v1/models`.
struct OpenAIRoutes: Sendable {
    let upstream: UpstreamCalls
    let catalog: OpenAIModelCatalog
    let events: OpenAITranscriptionStream

    init(upstream: UpstreamCalls, configuration: GatewayConfiguration) {
        self.upstream = upstream
        self.catalog = OpenAIModelCatalog(configuration: configuration)
        self.events = OpenAITranscriptionStream(keepAliveInterval: configuration.keepAliveInterval)
    }

    var routes: [Route] {
        [
            Route("POST", "/v1/audio/transcriptions", name: "openai_transcriptions", bodyLimit: .audio, errorStyle: .openAI) {
                try await transcribe($0)
            },
            Route("GET", "/v1/models", name: "openai_models", errorStyle: .openAI) { _ in
                JSONResponse.make(catalog.listBody)
            },
            Route("GET", "/v1/models/{model}", name: "openai_model", errorStyle: .openAI) { context in
                let id = context.parameter("model")
                guard let entry = catalog.entries.first(where: { $0.id == id }) else {
                    throw GatewayError(status: 404, code: "model_not_found", message: "The model '\(id)' does not exist", param: "model")
                }
                return JSONResponse.make(OpenAIModelCatalog.modelObject(entry))
            },
        ]
    }

    /// Reads the form, calls Flash (always as an event stream, so every sentence arrives), answers in the asked shape.
    func transcribe(_ context: RouteContext) async throws -> HTTPResponse {
        let request = try OpenAITranscriptionRequest.parse(try Self.form(context.request), catalog: catalog)
        let call = UpstreamRequest.json(
            RecognitionRoutes.generationPath, body: request.recognition.upstreamBody.serialized(),
            headers: [("X-DashScope-SSE", "enable")])
        let stream: UpstreamStream
        do {
            stream = try await upstream.openStream(call, context)
        } catch {
            throw Self.blameField(GatewayError.from(error))
        }
        let isEventStream = stream.header("Content-Type")?.lowercased().contains("text/event-stream") == true
        if request.stream {
            return events.response(stream, isEventStream: isEventStream, request: request, requestID: context.requestID)
        }
        let transcript = isEventStream ? try await Self.collect(stream) : try await Self.single(stream)
        return OpenAITranscriptionResponse.render(transcript, for: request)
    }

    /// The multipart parts; 413 past Flash's 10 MB for the file, 400 for anything malformed.
    static func form(_ request: HTTPRequest, fileLimit: Int = RecognitionRequest.maxAudioBytes) throws -> [FormPart] {
        do {
            return try MultipartForm.parse(request.body, contentType: request.head.headers["Content-Type"]) { name in
                name == "file" ? fileLimit : OpenAITranscriptionRequest.fieldLimit
            }
        } catch {
            switch error {
            case .notMultipart:
                throw GatewayError.invalidRequest(
                    "send the request as multipart/form-data (with a boundary) carrying the audio in the field 'file'")
            case .malformed(let detail):
                throw GatewayError.invalidRequest(detail)
            case .partTooLarge(let name, let limit) where name == "file":
                throw GatewayError(
                    status: 413, code: "audio_too_large",
                    message: "the audio file is larger than \(limit) bytes: Fun-ASR-Flash (DashScope) accepts at most 10 MB per request; use POST /v1/transcriptions with a URL for longer audio",
                    param: "file")
            case .partTooLarge(let name, let limit):
                throw GatewayError.invalidRequest("the field '\(name)' is longer than \(limit) bytes", param: name)
            }
        }
    }

    /// Every event of a Flash stream folded into a transcript; an error frame or a failure becomes the error.
    static func collect(_ stream: UpstreamStream) async throws -> FlashTranscriptAssembler {
        var parser = SSEParser()
        var transcript = FlashTranscriptAssembler()
        func apply(_ event: ServerSentEvent) throws {
            if event.event == "error" {
                throw blameField(RecognitionResult.errorFromFrame(data: event.data, comments: event.comments, fallbackStatus: 500))
            }
            guard let payload = JSONValue.parse(Array(event.data.utf8)) else {
                throw SSERelay.invalid("DashScope sent an event whose data is not JSON")
            }
            _ = transcript.add(payload)
        }
        do {
            for try await chunk in stream.body {
                for event in try parser.feed(chunk) { try apply(event) }
            }
            if let last = parser.finish() { try apply(last) }
        } catch let error as GatewayError {
            throw error
        } catch is SSEParserError {
            throw SSERelay.invalid("DashScope's event stream had an oversized line or event")
        } catch {
            throw SSERelay.midStream(DashScopeClient.classify(error))
        }
        guard transcript.payloads > 0 else { throw SSERelay.invalid("DashScope's stream ended without any event") }
        _ = transcript.finish()
        return transcript
    }

    /// An upstream that answered one JSON although an event stream was asked.
    static func single(_ stream: UpstreamStream) async throws -> FlashTranscriptAssembler {
        let body = try await NativeRoutes.collect(stream, limit: 16 << 20)
        guard let payload = JSONValue.parse(body) else {
            throw SSERelay.invalid("DashScope answered neither an event stream nor JSON")
        }
        var transcript = FlashTranscriptAssembler()
        _ = transcript.add(payload)
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
