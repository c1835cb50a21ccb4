import DashScope
import JSON
import ServerSentEvents

/// `stream=true` on `/v1/audio/transcriptions`: OpenAI's transcription events in standard SSE framing
/// (`data: {…}\n\n`): `transcript.text.delta` as text becomes final (the rule is in FlashTranscriptAssembler.swift),
/// then one `transcript.text.done` with the whole text and usage; a failure ends the stream with
/// `data: {"error":{…}}`, which the OpenAI SDKs raise as an `APIError`.
struct OpenAIEventFraming: EventFraming {
    static let serializer = SSESerializer(style: .standard)

    let request: OpenAITranscriptionRequest
    let requestID: String
    private var transcript = FlashTranscriptAssembler()

    init(request: OpenAITranscriptionRequest, requestID: String) {
        self.request = request
        self.requestID = requestID
    }

    let keepAlive: [UInt8] = Array(": keep-alive\n\n".utf8)

    mutating func event(_ event: ServerSentEvent) throws(GatewayError) -> [UInt8] {
        let delta = try transcript.add(event)
        return delta.isEmpty ? [] : Self.delta(delta)
    }

    mutating func completed(events: Int) -> [UInt8] {
        let rest = transcript.finish()
        return (rest.isEmpty ? [] : Self.delta(rest)) + Self.done(transcript, request: request)
    }

    mutating func failed(_ error: DashScopeError) -> [UInt8] {
        failed(OpenAIRoutes.blameField(GatewayError.upstream(error)))
    }

    /// `data: {"error":{"message","type","param","code"}}`, the OpenAI error shape.
    mutating func failed(_ error: GatewayError) -> [UInt8] {
        guard case .bytes(let body) = ErrorStyle.openAI.response(for: error, requestID: requestID).body else { return [] }
        return Self.serializer.serialize(ServerSentEvent(data: String(decoding: body, as: UTF8.self)))
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

    private static func event(_ value: JSONValue) -> [UInt8] {
        serializer.serialize(ServerSentEvent(data: String(decoding: value.serialized(), as: UTF8.self)))
    }
}
