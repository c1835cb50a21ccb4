import DashScope
import FoundationEssentials

/// The `response_format` values of `POST /v1/audio/transcriptions`.
enum OpenAIResponseFormat: String, Sendable, CaseIterable {
    case json
    case text
    case srt
    case vtt
    case verboseJSON = "verbose_json"
}

/// A validated OpenAI transcription request, mapped onto a Fun-ASR-Flash request with the audio inline.
struct OpenAITranscriptionRequest: Sendable {
    /// The Flash request (model resolved, audio as a data URI, `language` as hints, `prompt` as context).
    var recognition: RecognitionRequest
    /// How the answer is rendered.
    var responseFormat: OpenAIResponseFormat
    /// verbose_json carries `segments` (asked, or no granularity given).
    var segments: Bool
    /// verbose_json carries `words`.
    var words: Bool
    /// Answer as `transcript.text.delta` / `transcript.text.done` events.
    var stream: Bool
    /// The language code the client gave, normalised.
    var language: String?
    /// The audio's length when the file itself tells it (WAV header).
    var audioSeconds: Double?

    /// Fields read; `timestamp_granularities` is accepted with and without the brackets.
    static let fields: Set<String> = [
        "file", "model", "language", "prompt", "response_format", "timestamp_granularities[]", "timestamp_granularities",
        "stream",
    ]
    /// OpenAI fields accepted and ignored (Fun-ASR has no equivalent).
    static let ignoredFields: Set<String> = ["temperature", "chunking_strategy", "include[]", "include"]
    /// The cap of every part but `file`.
    static let fieldLimit = 64 * 1024

    /// Validates the form; every error is a 400 naming the field at fault.
    static func parse(_ parts: [FormPart], catalog: OpenAIModelCatalog) throws(GatewayError) -> OpenAITranscriptionRequest {
        try parse(parts, upload: nil, catalog: catalog)
    }

    /// The same for a form read as it arrived: the file part's audio is `upload` (already encoded), not its body.
    static func parse(
        _ parts: [FormPart], upload: UploadedAudio?, catalog: OpenAIModelCatalog
    ) throws(GatewayError) -> OpenAITranscriptionRequest {
        let file = parts.first { $0.name == "file" }
        let size = upload?.count ?? file?.body.count ?? 0
        return try parse(
            parts, size: size, leadingBytes: upload?.leadingBytes ?? file?.body ?? [],
            audio: upload.map { .encoded($0.audio) } ?? .inline(base64: Data(file?.body ?? []).base64EncodedString(), decodedBytes: size),
            catalog: catalog)
    }

    /// The same for a form whose file was spooled to disk (`size` bytes, starting with `leadingBytes`), to be sent
    /// as a transcription job: the audio is a placeholder `oss://` URL until the file is uploaded (as in
    /// the local API's file submissions); validation is the same, so nothing is uploaded for a request that would fail.
    static func parse(
        _ parts: [FormPart], spooledSize size: Int, leadingBytes: [UInt8], catalog: OpenAIModelCatalog
    ) throws(GatewayError) -> OpenAITranscriptionRequest {
        try parse(parts, size: size, leadingBytes: leadingBytes, audio: .url("oss://pending-upload/0"), catalog: catalog)
    }

    private static func parse(
        _ parts: [FormPart], size: Int, leadingBytes: [UInt8], audio: AudioSource, catalog: OpenAIModelCatalog
    ) throws(GatewayError) -> OpenAITranscriptionRequest {
        if let unknown = parts.first(where: { !fields.contains($0.name) && !ignoredFields.contains($0.name) }) {
            throw .invalidRequest("Unrecognized request argument supplied: \(unknown.name)", param: unknown.name)
        }
        let files = parts.filter { $0.name == "file" }
        guard files.count == 1, let file = files.first else {
            throw .invalidRequest(files.isEmpty ? "file is required: send the audio as the multipart field 'file'" : "send exactly one file", param: "file")
        }
        guard size > 0 else { throw .invalidRequest("the uploaded file is empty", param: "file") }
        let model = try text(parts, "model")
        if let model, !OpenAIModelCatalog.isModelName(model) {
            throw .invalidRequest("model must be a model id such as whisper-1 or \(catalog.flashModel)", param: "model")
        }
        let format = try responseFormat(text(parts, "response_format"))
        let granularities = try timestampGranularities(parts)
        if !granularities.isEmpty, format != .verboseJSON {
            throw .invalidRequest(
                "timestamp_granularities is only supported with response_format=verbose_json", param: "timestamp_granularities[]")
        }
        let stream = try flag(text(parts, "stream"), name: "stream")
        if stream, format != .json, format != .text {
            throw .invalidRequest("stream=true supports response_format json or text, not \(format.rawValue)", param: "stream")
        }
        let language = try languageCode(text(parts, "language"))
        guard let audioFormat = AudioFormat.fromURL(file.filename ?? "") ?? AudioFormat.fromContentType(file.contentType) else {
            throw .invalidRequest(
                "could not tell the audio format of the file: give it a file name with an extension such as .wav or .mp3 "
                    + "(one of \(AudioFormat.known.sorted().joined(separator: ", "))) or an audio Content-Type", param: "file")
        }
        let prompt = try text(parts, "prompt", trimmed: false)
        let recognition = RecognitionRequest(
            kind: .flash, model: catalog.resolve(model),
            audio: audio, format: audioFormat,
            languageHints: language.map { [$0] }, context: prompt?.isEmpty == false ? prompt : nil, stream: stream)
        return OpenAITranscriptionRequest(
            recognition: recognition, responseFormat: format, segments: granularities.isEmpty || granularities.contains("segment"),
            words: granularities.contains("word"), stream: stream, language: language,
            audioSeconds: audioFormat == "wav" ? WAVHeader.seconds(of: leadingBytes, totalBytes: size) : nil)
    }

    /// The last value of a text field, UTF-8, trimmed unless asked not to; nil when absent.
    static func text(_ parts: [FormPart], _ name: String, trimmed: Bool = true) throws(GatewayError) -> String? {
        guard let part = parts.last(where: { $0.name == name }) else { return nil }
        guard let value = String(bytes: part.body, encoding: .utf8) else {
            throw .invalidRequest("\(name) must be UTF-8 text", param: name)
        }
        return trimmed ? value.trimmingWhitespace() : value
    }

    static func responseFormat(_ value: String?) throws(GatewayError) -> OpenAIResponseFormat {
        guard let value, !value.isEmpty else { return .json }
        guard let format = OpenAIResponseFormat(rawValue: value) else {
            let allowed = OpenAIResponseFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidRequest("response_format '\(value)' is not supported; use one of \(allowed)", param: "response_format")
        }
        return format
    }

    static func timestampGranularities(_ parts: [FormPart]) throws(GatewayError) -> Set<String> {
        var values: Set<String> = []
        for part in parts where part.name.hasPrefix("timestamp_granularities") {
            let value = String(decoding: part.body, as: UTF8.self).trimmingWhitespace()
            guard value == "word" || value == "segment" else {
                throw .invalidRequest("timestamp_granularities[] accepts word and segment, not '\(value)'", param: "timestamp_granularities[]")
            }
            values.insert(value)
        }
        return values
    }

    static func flag(_ value: String?, name: String) throws(GatewayError) -> Bool {
        switch value?.lowercased() {
        case nil, "", "false", "0": return false
        case "true", "1": return true
        default: throw .invalidRequest("\(name) must be true or false", param: name)
        }
    }

    /// An ISO-639 code such as `en` or `zh-CN`, reduced to its lowercase primary subtag as Fun-ASR expects.
    static func languageCode(_ value: String?) throws(GatewayError) -> String? {
        guard let value, !value.isEmpty else { return nil }
        let primary = value.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw .invalidRequest("language must be an ISO-639-1 code such as en or zh", param: "language")
        }
        return primary.lowercased()
    }
}

/// Reads a WAV file's length from its RIFF header.
enum WAVHeader {
    /// Seconds of audio: the `data` chunk size over the `fmt ` chunk's byte rate; nil when the header is not plain
    /// RIFF/WAVE. `bytes` may be only the file's first bytes when `totalBytes` gives its whole length.
    static func seconds(of bytes: [UInt8], totalBytes: Int? = nil) -> Double? {
        let total = totalBytes ?? bytes.count
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        var offset = 12
        var byteRate: Int?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(littleEndian32(bytes, offset + 4))
            if id == "fmt ", offset + 20 <= bytes.count { byteRate = Int(littleEndian32(bytes, offset + 16)) }
            if id == "data" {
                guard let byteRate, byteRate > 0 else { return nil }
                return Double(min(size, total - offset - 8)) / Double(byteRate)
            }
            offset += 8 + size + (size & 1)
        }
        return nil
    }

    private static func littleEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
