/// A failure the simulator injects into upcoming requests of one endpoint.
public enum SimulatorFault: Sendable, Equatable {
    /// Any status with a DashScope error body, e.g. 400 InvalidParameter or 403 AccessDenied.
    case httpError(status: Int, code: String, message: String)
    /// 429 `Throttling.RateQuota` with a `Retry-After` header.
    case throttled(retryAfterSeconds: Int)
    /// 500 `InternalError`.
    case internalError
    /// Delays the response head (any endpoint).
    case slowFirstByte(seconds: Double)
    /// Streams: ends after `events` result events with an `event:error` frame (`:HTTP_STATUS/500`); SSE only.
    case errorFrameAfter(events: Int)
    /// Cuts the connection after `events` events without the chunked terminator; non-SSE answers are cut right after the head.
    case dropAfter(events: Int)
    /// Streams: stays silent for `seconds` after `events` events; SSE only.
    case stallAfter(events: Int, seconds: Double)
    /// Streams: frames end their lines with CRLF; SSE only.
    case crlfLineEnds
    /// Streams: every event goes out in writes of 1–3 bytes; SSE only.
    case tinyWrites
    /// Answers 200 with bytes that are neither SSE nor JSON (any endpoint).
    case garbage
    /// Answers the plain JSON of a non-streaming call although SSE was asked; SSE only.
    case plainJSONInsteadOfSSE
    /// Answers 200 with a JSON document of `bytes` bytes, written in chunks as the client reads (never held whole);
    /// non-streaming calls only, e.g. an oversized result document.
    case oversizedBody(bytes: Int)
    /// Live audio (`/api-ws/v1/inference`): after `results` result-generated events, `task-failed` with this code and
    /// message, then a normal close.
    case liveTaskFailed(afterResults: Int, code: String, message: String)
    /// Live audio: after `results` result-generated events the connection is cut without a close frame.
    case liveAbruptClose(afterResults: Int)

    /// 401 `InvalidApiKey`.
    public static let unauthorized = SimulatorFault.httpError(
        status: 401, code: "InvalidApiKey", message: "Invalid API-key provided.")
    /// 400 `InvalidParameter`.
    public static let badRequest = SimulatorFault.httpError(
        status: 400, code: "InvalidParameter",
        message: "Required parameter(s) missing or invalid, please check the request parameters.")
    /// 403 `AccessDenied`.
    public static let forbidden = SimulatorFault.httpError(status: 403, code: "AccessDenied", message: "Access denied.")

    /// True when the fault only makes sense on an SSE stream (it waits in the queue for one).
    var needsStream: Bool {
        switch self {
        case .errorFrameAfter, .stallAfter, .crlfLineEnds, .tinyWrites, .plainJSONInsteadOfSSE: true
        default: false
        }
    }

    /// True when the fault only makes sense on a live-audio WebSocket (it waits in the queue for one).
    var needsLiveAudio: Bool {
        switch self {
        case .liveTaskFailed, .liveAbruptClose: true
        default: false
        }
    }

    /// The DashScope error this fault answers with, if it is an error-status fault.
    var statusError: SimulatedError? {
        switch self {
        case .httpError(let status, let code, let message): SimulatedError(status: status, code: code, message: message)
        case .throttled(let seconds): .throttled(retryAfterSeconds: seconds)
        case .internalError: .internalError
        default: nil
        }
    }
}

/// The endpoints faults can target.
public enum SimulatorEndpoint: String, Sendable, CaseIterable {
    /// `POST /api/v1/services/audio/asr/transcription`.
    case submit
    /// `GET|POST /api/v1/tasks/{id}`.
    case query
    /// `GET /api/v1/tasks[/]`.
    case list
    /// `POST /api/v1/tasks/{id}/cancel`.
    case cancel
    /// `GET /api/v1/uploads?action=getPolicy`.
    case uploadPolicy = "upload_policy"
    /// `POST /oss-upload`.
    case ossUpload = "oss_upload"
    /// `GET /results/{task}/{index}.json`.
    case result
    /// `POST /api/v1/services/aigc/multimodal-generation/generation` (Flash and Realtime).
    case generation
    /// `POST /api/v1/services/audio/asr/customization` (hot-word lists).
    case customization
    /// `GET /api-ws/v1/inference` (the live-audio WebSocket).
    case liveAudio = "live_audio"
    /// Every endpoint above.
    case any
}
