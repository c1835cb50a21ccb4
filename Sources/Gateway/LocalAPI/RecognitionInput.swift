import JSON
import DashScope
import FoundationEssentials
import MicroHTTPServer

/// Reads a local Flash/Realtime request in any of its three forms: JSON with `audio_url`, JSON with
/// `audio_base64`, or the raw audio as the body with options in the query string.
enum RecognitionInput {
    static let jsonFields: Set<String> = [
        "audio_url", "audio_base64", "format", "sample_rate", "language_hints", "vocabulary_id", "context",
        "vad_enabled", "model", "stream",
    ]

    /// True when the body is the raw audio, which the route reads as it arrives (`HTTPRequest.bodyStream`).
    static func isRawAudio(_ head: HTTPRequestHead) -> Bool {
        isRawAudio(contentType: head.headers["Content-Type"]?.lowercased() ?? "")
    }

    private static func isRawAudio(contentType: String) -> Bool {
        contentType.hasPrefix("audio/") || contentType.hasPrefix("video/") || contentType.hasPrefix("application/octet-stream")
    }

    /// Validates and maps the request; throws `GatewayError` (400 or 413) with a precise message. A streamed raw
    /// body is checked from its head first, then encoded as it arrives.
    static func parse(_ request: HTTPRequest, kind: RecognitionKind) async throws -> RecognitionRequest {
        if let body = request.bodyStream {
            let head = request.head
            let contentType = head.headers["Content-Type"]?.lowercased() ?? ""
            guard isRawAudio(contentType: contentType) else {
                let whole = try await body.collect(upTo: RecognitionRequest.maxAudioBytes * 2)
                return try parseWhole(HTTPRequest(head: head, body: whole, admission: request.admission), kind: kind)
            }
            var parsed = try fromRawHead(head, kind: kind, contentType: contentType, stream: wantsStream(head))
            let upload = try await UploadedAudio.read(body, limit: RecognitionRequest.maxAudioBytes)
            guard upload.count > 0 else { throw GatewayError.invalidRequest("the request body (the audio) is empty") }
            parsed.audio = .encoded(upload.audio)
            return parsed
        }
        return try parseWhole(request, kind: kind)
    }

    private static func wantsStream(_ head: HTTPRequestHead) -> Bool {
        head.headers["Accept"]?.contains("text/event-stream") == true || head.queryValue("stream").map(Self.isTrue) == true
    }

    /// Validates and maps a request whose body was read whole.
    static func parseWhole(_ request: HTTPRequest, kind: RecognitionKind) throws -> RecognitionRequest {
        let head = request.head
        let contentType = head.headers["Content-Type"]?.lowercased() ?? ""
        let wantsStream = wantsStream(head)
        if contentType.hasPrefix("application/json") || (contentType.isEmpty && request.body.first == UInt8(ascii: "{")) {
            var parsed = try fromJSON(request.body, kind: kind)
            parsed.stream = parsed.stream || wantsStream
            return parsed
        }
        if isRawAudio(contentType: contentType) {
            guard !request.body.isEmpty else { throw GatewayError.invalidRequest("the request body (the audio) is empty") }
            var parsed = try fromRawHead(request.head, kind: kind, contentType: contentType, stream: wantsStream)
            guard request.body.count <= RecognitionRequest.maxAudioBytes else { throw tooLarge(request.body.count) }
            parsed.audio = .inline(base64: Data(request.body).base64EncodedString(), decodedBytes: request.body.count)
            return parsed
        }
        throw GatewayError(
            status: 415, code: "unsupported_media_type",
            message: "send JSON (Content-Type: application/json) with audio_url or audio_base64, or the raw audio with Content-Type audio/* or application/octet-stream")
    }

    private static func fromJSON(_ body: [UInt8], kind: RecognitionKind) throws -> RecognitionRequest {
        let object = try JSONResponse.object(from: body)
        if let unknown = object.keys.sorted().first(where: { !jsonFields.contains($0) }) {
            throw GatewayError.invalidRequest(
                "unknown field '\(unknown)'; allowed: \(jsonFields.sorted().joined(separator: ", "))", param: unknown)
        }
        let audio: AudioSource
        var format = try string(object, "format")
        switch (object["audio_url"], object["audio_base64"]) {
        case (.some(let url), nil):
            guard let text = url.stringValue else { throw GatewayError.invalidRequest("audio_url must be a string", param: "audio_url") }
            audio = .url(try checkedURL(text))
            format = format ?? AudioFormat.fromURL(text)
        case (nil, .some(let encoded)):
            guard var text = encoded.stringValue else {
                throw GatewayError.invalidRequest("audio_base64 must be a string", param: "audio_base64")
            }
            if text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") {
                format = format ?? AudioFormat.fromContentType(String(text[text.index(text.startIndex, offsetBy: 5)..<comma]))
                text = String(text[text.index(after: comma)...])
            }
            audio = try inline(base64: text)
        case (.some, .some):
            throw GatewayError.invalidRequest("give either audio_url or audio_base64, not both", param: "audio_url")
        case (nil, nil):
            throw GatewayError.invalidRequest("audio is missing: give audio_url, audio_base64, or send the raw audio as the body", param: "audio_url")
        }
        var request = RecognitionRequest(
            kind: kind, model: try string(object, "model"), audio: audio, format: try requireFormat(format),
            sampleRate: try sampleRate(object["sample_rate"]), languageHints: try hints(object["language_hints"]),
            vocabularyID: try string(object, "vocabulary_id"), context: try string(object, "context"),
            vadEnabled: try bool(object, "vad_enabled"), stream: try bool(object, "stream") ?? false)
        try checkKind(&request)
        return request
    }

    /// A raw-audio request checked and mapped from its head alone (options in the query); its audio is set by the caller.
    private static func fromRawHead(_ head: HTTPRequestHead, kind: RecognitionKind, contentType: String, stream: Bool) throws -> RecognitionRequest {
        if let unknown = head.query.map(\.name).first(where: { !jsonFields.contains($0) || $0.hasPrefix("audio_") }) {
            throw GatewayError.invalidRequest("unknown query option '\(unknown)'", param: unknown)
        }
        let format = head.queryValue("format") ?? AudioFormat.fromContentType(contentType)
        let hints = head.queryValue("language_hints").map { $0.split(separator: ",").map(String.init) }
        let vad = try head.queryValue("vad_enabled").map { value -> Bool in
            guard value == "true" || value == "false" else {
                throw GatewayError.invalidRequest("vad_enabled must be true or false", param: "vad_enabled")
            }
            return value == "true"
        }
        var parsed = RecognitionRequest(
            kind: kind, model: head.queryValue("model"),
            audio: .inline(base64: "", decodedBytes: 0),
            format: try requireFormat(format), sampleRate: try sampleRate(head.queryValue("sample_rate").map(JSONValue.string)),
            languageHints: hints, vocabularyID: head.queryValue("vocabulary_id"), context: head.queryValue("context"),
            vadEnabled: vad, stream: stream)
        try checkKind(&parsed)
        return parsed
    }

    private static func checkKind(_ request: inout RecognitionRequest) throws {
        if request.kind == .realtime, request.context != nil {
            throw GatewayError.invalidRequest("context is supported by /v1/flash only", param: "context")
        }
        if request.kind == .flash, request.vadEnabled != nil {
            throw GatewayError.invalidRequest("vad_enabled is supported by /v1/realtime only", param: "vad_enabled")
        }
        if request.model.isEmpty || request.model.contains(" ") {
            throw GatewayError.invalidRequest("model must be a model id such as \(request.kind.defaultModel)", param: "model")
        }
    }

    private static func inline(base64 text: String) throws -> AudioSource {
        let compact = text.filter { !$0.isWhitespace }
        let estimated = compact.utf8.count / 4 * 3
        guard estimated <= RecognitionRequest.maxAudioBytes + 3 else { throw tooLarge(estimated) }
        guard let decoded = Data(base64Encoded: compact), !decoded.isEmpty else {
            throw GatewayError.invalidRequest("audio_base64 is not valid base64 audio", param: "audio_base64")
        }
        guard decoded.count <= RecognitionRequest.maxAudioBytes else { throw tooLarge(decoded.count) }
        return .inline(base64: compact, decodedBytes: decoded.count)
    }

    private static func tooLarge(_ bytes: Int) -> GatewayError {
        GatewayError(
            status: 413, code: "audio_too_large",
            message: "the audio is \(bytes) bytes; DashScope accepts at most 10 MB (\(RecognitionRequest.maxAudioBytes) bytes) per synchronous request — use POST /v1/transcriptions with a URL for longer audio")
    }

    private static func checkedURL(_ text: String) throws -> String {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("oss://"),
              URLComponents(string: text)?.host?.isEmpty == false
        else {
            throw GatewayError.invalidRequest("audio_url must be an http, https or oss URL with a host", param: "audio_url")
        }
        return text
    }

    private static func requireFormat(_ format: String?) throws -> String {
        guard let format, !format.isEmpty else {
            throw GatewayError.invalidRequest(
                "format is required (e.g. wav, mp3, opus) and could not be inferred from the content type or URL", param: "format")
        }
        guard format.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw GatewayError.invalidRequest("format must be a short name such as wav or mp3", param: "format")
        }
        return format.lowercased()
    }

    private static func sampleRate(_ value: JSONValue?) throws -> String? {
        guard let value, value != .null else { return nil }
        if let number = value.intValue, number > 0 { return String(number) }
        if let text = value.stringValue, let number = Int(text), number > 0 { return String(number) }
        throw GatewayError.invalidRequest("sample_rate must be a positive whole number such as 16000", param: "sample_rate")
    }

    private static func hints(_ value: JSONValue?) throws -> [String]? {
        guard let value, value != .null else { return nil }
        if let single = value.stringValue { return [single] }
        guard let items = value.arrayValue, let strings = Optional(items.compactMap(\.stringValue)), strings.count == items.count else {
            throw GatewayError.invalidRequest("language_hints must be an array of language codes such as [\"zh\"]", param: "language_hints")
        }
        return strings.isEmpty ? nil : strings
    }

    private static func string(_ object: [String: JSONValue], _ key: String) throws -> String? {
        guard let value = object[key], value != .null else { return nil }
        guard let text = value.stringValue else { throw GatewayError.invalidRequest("\(key) must be a string", param: key) }
        return text
    }

    private static func bool(_ object: [String: JSONValue], _ key: String) throws -> Bool? {
        guard let value = object[key], value != .null else { return nil }
        guard let flag = value.boolValue else { throw GatewayError.invalidRequest("\(key) must be true or false", param: key) }
        return flag
    }

    private static func isTrue(_ text: String) -> Bool { text == "true" || text == "1" }
}
