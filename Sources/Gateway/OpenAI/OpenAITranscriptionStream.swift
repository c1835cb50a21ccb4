import JSON
import DashScope
import MicroHTTPServer
import ServerSentEvents
import Synchronization

/// `stream=true`: OpenAI's transcription events in standard SSE framing (`data: {…}\n\n`):
/// `transcript.text.delta` as text becomes final (the rule is in FlashTranscriptAssembler.swift), then one
/// `transcript.text.done` with the whole text and usage; a failure ends the stream with
/// `data: {"error":{…}}`, which the OpenAI SDKs raise as an `APIError`.
struct OpenAITranscriptionStream: Sendable {
    static let serializer = SSESerializer(style: .standard)
    static let headers: HTTPHeaders = [
        "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", "X-Accel-Buffering": "no",
    ]

    let relay: SSERelay

    init(keepAliveInterval: Duration) {
        relay = SSERelay(keepAliveInterval: keepAliveInterval)
    }

    /// The streamed response for an opened Flash stream (or a plain JSON answer, sent as one delta).
    func response(_ stream: UpstreamStream, isEventStream: Bool, request: OpenAITranscriptionRequest, requestID: String) -> HTTPResponse {
        let relay = relay
        return HTTPResponse(status: 200, headers: Self.headers, body: .stream { writer in
            guard isEventStream else {
                await Self.single(stream, writer: writer, request: request, requestID: requestID)
                return
            }
            let transcript = Mutex(FlashTranscriptAssembler())
            let outcome = await relay.pump(stream.body, to: writer) { event, output in
                if event.event == "error" {
                    let error = OpenAIRoutes.blameField(
                        RecognitionResult.errorFromFrame(data: event.data, comments: event.comments, fallbackStatus: 500))
                    try await output.write(Self.error(error, requestID: requestID))
                    return .stop
                }
                guard let payload = JSONValue.parse(Array(event.data.utf8)) else {
                    try await output.write(Self.error(SSERelay.invalid("DashScope sent an event whose data is not JSON"), requestID: requestID))
                    return .stop
                }
                let delta = transcript.withLock { $0.add(payload) }
                if !delta.isEmpty { try await output.write(Self.delta(delta)) }
                return .proceed
            }
            switch outcome {
            case .completed:
                let (rest, final) = transcript.withLock { state in (state.finish(), state) }
                if !rest.isEmpty { try? await writer.write(Self.delta(rest)) }
                try? await writer.write(Self.done(final, request: request))
            case .failed(let error, _):
                try? await writer.write(Self.error(error, requestID: requestID))
            case .stopped, .clientGone:
                break
            }
        })
    }

    /// One JSON answer instead of events: its whole text as one delta, then done.
    private static func single(_ stream: UpstreamStream, writer: ResponseBodyWriter, request: OpenAITranscriptionRequest, requestID: String) async {
        do {
            let transcript = try await OpenAIRoutes.single(stream)
            if !transcript.text.isEmpty { try await writer.write(delta(transcript.text)) }
            try await writer.write(done(transcript, request: request))
        } catch {
            try? await writer.write(Self.error(GatewayError.from(error), requestID: requestID))
        }
    }

    /// `data: {"type":"transcript.text.delta","delta":"…"}`.
    static func delta(_ text: String) -> [UInt8] {
        event(.object(["type": "transcript.text.delta", "delta": .string(text)]))
    }

    /// `data: {"type":"transcript.text.done","text":"…","usage":{"type":"duration","seconds":N}}`.
    static func done(_ transcript: FlashTranscriptAssembler, request: OpenAITranscriptionRequest) -> [UInt8] {
        event(.object([
            "type": "transcript.text.done", "text": .string(transcript.text),
            "usage": OpenAITranscriptionResponse.usage(transcript, request),
        ]))
    }

    /// `data: {"error":{"message","type","param","code"}}`, the OpenAI error shape.
    static func error(_ error: GatewayError, requestID: String) -> [UInt8] {
        guard case .bytes(let body) = ErrorStyle.openAI.response(for: error, requestID: requestID).body else { return [] }
        return serializer.serialize(ServerSentEvent(data: String(decoding: body, as: UTF8.self)))
    }

    private static func event(_ value: JSONValue) -> [UInt8] {
        serializer.serialize(ServerSentEvent(data: String(decoding: value.serialized(), as: UTF8.self)))
    }
}
