import JSON
import DashScope

// Rules: exactly one of `file_url`/`file_urls`; unknown top-level fields are refused; a JSON `null` counts as
// absent; an option given both flat and inside `parameters` is refused rather than silently overridden;
// `parameters` itself is passed through unchecked; an empty `language_hints` is dropped (auto-detect).

/// A validated local submit body and the DashScope request it becomes.
public struct TranscriptionSubmission: Sendable, Equatable {
    /// The model, `fun-asr` unless the client chose another.
    public var model: String
    /// The audio URLs (1–100; http, https or oss).
    public var fileURLs: [String]
    /// The upstream `parameters` object (flat options merged into the client's `parameters`).
    public var parameters: [String: JSONValue]
    /// The client's own label for the job (kept by the gateway, never sent upstream; filters the store's list).
    public var label: String?
    /// Where the gateway POSTs the job view when the job ends (validated syntax; the SSRF rule applies later).
    public var callbackURL: String?

    /// The model used when the body names none.
    public static let defaultModel = "fun-asr"
    /// The most URLs one submission may carry.
    public static let maxFileCount = 100
    /// Every top-level field the local body may hold.
    public static let allowedFields: Set<String> = [
        "file_url", "file_urls", "model", "language_hints", "diarization_enabled", "speaker_count",
        "vocabulary_id", "channel_id", "special_word_filter", "parameters", "label",
        "callback_url",
    ]
    /// The longest `label`, in bytes.
    public static let maxLabelBytes = 200

    /// Creates a submission from already valid parts.
    public init(model: String = defaultModel, fileURLs: [String], parameters: [String: JSONValue] = [:]) {
        self.model = model
        self.fileURLs = fileURLs
        self.parameters = parameters
    }

    /// The upstream body; `parameters` is always present (`{}` when empty), as new workspace domains require.
    public var upstreamBody: JSONValue {
        .object([
            "model": .string(model),
            "input": .object(["file_urls": .array(fileURLs.map(JSONValue.string))]),
            "parameters": .object(parameters),
        ])
    }

    /// The upstream body as compact JSON bytes.
    public var upstreamBodyBytes: [UInt8] {
        upstreamBody.serialized()
    }

    /// Parses and validates a local submit body.
    public init(body: some Collection<UInt8>) throws(RequestValidationError) {
        guard let json = JSONValue.parse(body) else {
            throw RequestValidationError("invalid JSON in request body")
        }
        try self.init(json: json)
    }

    /// Validates a local submit body already parsed (the file-upload forms build one from their text fields).
    public init(json: JSONValue) throws(RequestValidationError) {
        guard case .object(let raw) = json else {
            throw RequestValidationError("request body must be a JSON object")
        }
        let fields = raw.filter { $0.value != .null }
        if let unknown = raw.keys.filter({ !Self.allowedFields.contains($0) }).sorted().first {
            throw RequestValidationError(
                "unknown field '\(unknown)'; allowed fields are \(Self.allowedFields.sorted().joined(separator: ", "))",
                field: unknown
            )
        }
        model = try Self.model(fields["model"])
        fileURLs = try Self.fileURLs(single: fields["file_url"], list: fields["file_urls"])
        parameters = try Self.parameters(fields)
        label = try Self.label(fields["label"])
        callbackURL = try Self.callbackURL(fields["callback_url"])
    }

    private static func callbackURL(_ value: JSONValue?) throws(RequestValidationError) -> String? {
        guard let value else { return nil }
        guard let text = value.stringValue else {
            throw RequestValidationError("callback_url must be a string (an http or https URL)", field: "callback_url")
        }
        if case .failure(let problem) = CallbackURL.parse(text) {
            throw RequestValidationError("callback_url \(problem.reason)", field: "callback_url")
        }
        return text
    }

    private static func label(_ value: JSONValue?) throws(RequestValidationError) -> String? {
        guard let value else { return nil }
        guard let text = value.stringValue, (1...maxLabelBytes).contains(text.utf8.count),
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw RequestValidationError("label must be 1 to \(maxLabelBytes) bytes of text without control characters", field: "label")
        }
        return text
    }

    private static func model(_ value: JSONValue?) throws(RequestValidationError) -> String {
        guard let value else { return defaultModel }
        guard let name = value.stringValue, !name.isEmpty, !name.contains(where: \.isWhitespace) else {
            throw RequestValidationError("model must be a non-empty string without spaces", field: "model")
        }
        return name
    }

    private static func fileURLs(single: JSONValue?, list: JSONValue?) throws(RequestValidationError) -> [String] {
        switch (single, list) {
        case (.some, .some):
            throw RequestValidationError("give either file_url or file_urls, not both", field: "file_urls")
        case (nil, nil):
            throw RequestValidationError("file_urls (an array of audio URLs) or file_url is required", field: "file_urls")
        case (.some(let value), nil):
            guard let url = value.stringValue else {
                throw RequestValidationError("file_url must be a string", field: "file_url")
            }
            try checkURL(url, field: "file_url")
            return [url]
        case (nil, .some(let value)):
            guard let items = value.arrayValue else {
                throw RequestValidationError("file_urls must be an array of URL strings", field: "file_urls")
            }
            guard (1...maxFileCount).contains(items.count) else {
                throw RequestValidationError("file_urls must hold 1 to \(maxFileCount) URLs", field: "file_urls")
            }
            var urls: [String] = []
            for (index, item) in items.enumerated() {
                guard let url = item.stringValue else {
                    throw RequestValidationError("file_urls[\(index)] must be a string", field: "file_urls[\(index)]")
                }
                try checkURL(url, field: "file_urls[\(index)]")
                urls.append(url)
            }
            return urls
        }
    }

    private static func checkURL(_ url: String, field: String) throws(RequestValidationError) {
        guard AudioURL.isAcceptable(url) else {
            throw RequestValidationError(
                "\(field) must be an http://, https:// or oss:// URL with a host and no whitespace", field: field
            )
        }
    }

    private static func parameters(_ fields: [String: JSONValue]) throws(RequestValidationError) -> [String: JSONValue] {
        var merged: [String: JSONValue] = [:]
        if let value = fields["parameters"] {
            guard let object = value.objectValue else {
                throw RequestValidationError("parameters must be a JSON object", field: "parameters")
            }
            merged = object
        }
        var flat: [String: JSONValue] = [:]
        if let value = fields["language_hints"] {
            guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue?.isEmpty == false }) else {
                throw RequestValidationError("language_hints must be an array of language codes such as \"zh\"",
                                             field: "language_hints")
            }
            if !items.isEmpty { flat["language_hints"] = value }
        }
        if let value = fields["diarization_enabled"] {
            guard value.boolValue != nil else {
                throw RequestValidationError("diarization_enabled must be true or false", field: "diarization_enabled")
            }
            flat["diarization_enabled"] = value
        }
        if let value = fields["speaker_count"] {
            guard let count = value.intValue, (2...100).contains(count) else {
                throw RequestValidationError("speaker_count must be an integer from 2 to 100", field: "speaker_count")
            }
            let diarization = flat["diarization_enabled"] ?? merged["diarization_enabled"]
            guard diarization?.boolValue == true else {
                throw RequestValidationError("speaker_count is only allowed when diarization_enabled is true",
                                             field: "speaker_count")
            }
            flat["speaker_count"] = .number(Double(count))
        }
        if let value = fields["vocabulary_id"] {
            guard let id = value.stringValue, !id.isEmpty else {
                throw RequestValidationError("vocabulary_id must be a non-empty string", field: "vocabulary_id")
            }
            flat["vocabulary_id"] = value
        }
        if let value = fields["channel_id"] {
            guard let items = value.arrayValue, !items.isEmpty,
                  items.allSatisfy({ ($0.intValue ?? -1) >= 0 })
            else {
                throw RequestValidationError("channel_id must be a non-empty array of non-negative integers",
                                             field: "channel_id")
            }
            flat["channel_id"] = value
        }
        if let value = fields["special_word_filter"] {
            flat["special_word_filter"] = .string(try specialWordFilter(value))
        }
        for key in flat.keys.sorted() where merged[key] != nil {
            throw RequestValidationError("\(key) is given both at top level and inside parameters; give it once",
                                         field: key)
        }
        merged.merge(flat) { _, new in new }
        return merged
    }

    private static func specialWordFilter(_ value: JSONValue) throws(RequestValidationError) -> String {
        let message = "special_word_filter must be a JSON object or a string holding one"
        switch value {
        case .object:
            return String(decoding: value.serialized(), as: UTF8.self)
        case .string(let text):
            guard case .object = JSONValue.parse(Array(text.utf8)) else {
                throw RequestValidationError(message, field: "special_word_filter")
            }
            return text
        default:
            throw RequestValidationError(message, field: "special_word_filter")
        }
    }
}
