import JSON
import FoundationEssentials

/// Which synchronous DashScope model family a request goes to.
public enum RecognitionKind: String, Sendable {
    /// Fun-ASR-Flash.
    case flash
    /// Fun-ASR-Realtime over HTTP (Beijing only).
    case realtime

    /// The model used when the client names none.
    public var defaultModel: String {
        switch self {
        case .flash: "fun-asr-flash-2026-06-15"
        case .realtime: "fun-asr-realtime"
        }
    }
}

/// Where the audio is: a URL DashScope downloads, or bytes sent inline as a data URI.
public enum AudioSource: Sendable, Equatable {
    /// A public http(s) or oss:// URL.
    case url(String)
    /// Inline audio already base64-encoded, with its decoded size.
    case inline(base64: String, decodedBytes: Int)
    /// Inline audio encoded as it was uploaded; it becomes the upstream body in place (send it once).
    case encoded(InlineAudio)
}

/// A validated local Flash/Realtime request, ready to map to DashScope's exact upstream shape.
public struct RecognitionRequest: Sendable, Equatable {
    /// DashScope's limit on inline audio (10 MB).
    public static let maxAudioBytes = 10 * 1024 * 1024

    /// The model family.
    public var kind: RecognitionKind
    /// The model id sent upstream.
    public var model: String
    /// The audio.
    public var audio: AudioSource
    /// The audio format (required upstream).
    public var format: String
    /// The sample rate, sent upstream as a string (Flash only).
    public var sampleRate: String?
    /// Language hints (DashScope reads the first).
    public var languageHints: [String]?
    /// A hot-word vocabulary id.
    public var vocabularyID: String?
    /// Earlier text the model may use as context (Flash only).
    public var context: String?
    /// Voice activity detection (Realtime only).
    public var vadEnabled: Bool?
    /// True when the client asked for an event stream.
    public var stream: Bool

    /// Creates a request directly (values are assumed valid).
    public init(
        kind: RecognitionKind, model: String? = nil, audio: AudioSource, format: String, sampleRate: String? = nil,
        languageHints: [String]? = nil, vocabularyID: String? = nil, context: String? = nil, vadEnabled: Bool? = nil,
        stream: Bool = false
    ) {
        self.kind = kind
        self.model = model ?? kind.defaultModel
        self.audio = audio
        self.format = format
        self.sampleRate = sampleRate
        self.languageHints = languageHints
        self.vocabularyID = vocabularyID
        self.context = context
        self.vadEnabled = vadEnabled
        self.stream = stream
    }

    /// The data URI or URL DashScope receives.
    public var audioReference: String {
        switch audio {
        case .url(let url): url
        case .inline(let base64, _): dataURI(base64: base64)
        case .encoded(let audio): dataURI(base64: String(decoding: audio.base64, as: UTF8.self))
        }
    }

    private func dataURI(base64: String) -> String {
        "data:\(AudioFormat.mimeType(for: format));base64,\(base64)"
    }

    /// The exact upstream body: `input_audio` messages for Flash; `audio` or `audio_address` and `resources: []` for Realtime.
    public var upstreamBody: JSONValue {
        upstreamBody(audioReference: audioReference)
    }

    /// The upstream body as sent. Audio encoded as it was uploaded is not copied: the JSON is serialized around a
    /// one-off marker, and the text before and after the marker is put around the audio's own buffer.
    public func upstreamBodyBytes() -> [UInt8] {
        guard case .encoded(let audio) = audio else { return upstreamBody.serialized() }
        let marker = "funasr-inline-audio-\(UUID().uuidString)"
        let text = upstreamBody(audioReference: dataURI(base64: marker)).serialized()
        let markerBytes = Array(marker.utf8)
        guard let at = text.indices.first(where: { text[$0...].starts(with: markerBytes) }) else {
            preconditionFailure("the audio marker is missing from the serialized body")
        }
        return audio.body(prefix: Array(text[..<at]), suffix: Array(text[(at + markerBytes.count)...]))
    }

    private func upstreamBody(audioReference: String) -> JSONValue {
        var parameters: [String: JSONValue] = ["format": .string(format)]
        if let languageHints { parameters["language_hints"] = .array(languageHints.map(JSONValue.string)) }
        if let vocabularyID { parameters["vocabulary_id"] = .string(vocabularyID) }
        switch kind {
        case .flash:
            if let sampleRate { parameters["sample_rate"] = .string(sampleRate) }
            var messages: [JSONValue] = []
            if let context, !context.isEmpty {
                messages.append(.object(["role": "user", "content": .array([
                    .object(["type": "input_text", "text": .string(context)]),
                ])]))
            }
            messages.append(.object(["role": "user", "content": .array([
                .object(["type": "input_audio", "input_audio": .object(["data": .string(audioReference)])]),
            ])]))
            return .object(["model": .string(model), "input": .object(["messages": .array(messages)]),
                            "parameters": .object(parameters)])
        case .realtime:
            if let vadEnabled { parameters["vad_enabled"] = .bool(vadEnabled) }
            var messages: [JSONValue] = []
            switch audio {
            case .url(let url):
                parameters["audio_address"] = .string(url)
            case .inline, .encoded:
                messages.append(.object(["role": "user", "content": .array([
                    .object(["audio": .string(audioReference)]),
                ])]))
            }
            return .object(["model": .string(model), "input": .object(["messages": .array(messages)]),
                            "parameters": .object(parameters), "resources": .array([])])
        }
    }
}
