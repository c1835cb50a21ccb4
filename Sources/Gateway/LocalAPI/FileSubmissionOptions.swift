import JSON

// A file submission carries its options as text — multipart fields, or the query string of a raw audio body — so
// they are turned into the JSON submit body's fields and validated by the very same rules (TranscriptionSubmission).
// Lists are a JSON array or comma-separated (`language_hints=zh,en`, `channel_id=0,1`), a repeated list field
// appends, booleans are `true`/`false`, `parameters` and `special_word_filter` are JSON text.

/// Turns the text options of a file submission into a validated `TranscriptionSubmission`.
enum FileSubmissionOptions {
    /// The options a form or query may carry: the JSON body's, without the URL fields (the files are the input).
    static let allowedFields = TranscriptionSubmission.allowedFields.subtracting(["file_url", "file_urls"])

    /// The submission for these options and `fileCount` files; its `fileURLs` are placeholders until the files are
    /// uploaded. Throws the same 400s as a JSON body, naming the field.
    static func submission(
        _ fields: [(name: String, value: String)], fileCount: Int
    ) throws(RequestValidationError) -> TranscriptionSubmission {
        guard fileCount > 0 else {
            throw RequestValidationError("no audio file: send at least one 'file' part", field: "file")
        }
        guard fileCount <= TranscriptionSubmission.maxFileCount else {
            throw RequestValidationError(
                "at most \(TranscriptionSubmission.maxFileCount) files per submission, got \(fileCount)", field: "file")
        }
        var object: [String: JSONValue] = [:]
        for (name, value) in fields {
            guard allowedFields.contains(name) else {
                throw RequestValidationError(
                    "unknown field '\(name)'; allowed with files: \(allowedFields.sorted().joined(separator: ", "))",
                    field: name)
            }
            switch name {
            case "language_hints", "channel_id":
                let items = try list(value, field: name, numeric: name == "channel_id")
                object[name] = .array((object[name]?.arrayValue ?? []) + items)
            default:
                guard object[name] == nil else {
                    throw RequestValidationError("\(name) is given more than once", field: name)
                }
                object[name] = try scalar(value, field: name)
            }
        }
        object["file_urls"] = .array((0..<fileCount).map { .string("oss://pending-upload/\($0)") })
        return try TranscriptionSubmission(json: .object(object))
    }

    /// A single-valued option as the JSON value the submit body would hold.
    private static func scalar(_ value: String, field: String) throws(RequestValidationError) -> JSONValue {
        switch field {
        case "diarization_enabled":
            guard value == "true" || value == "false" else {
                throw RequestValidationError("diarization_enabled must be true or false", field: field)
            }
            return .bool(value == "true")
        case "speaker_count":
            guard let count = Int(value) else {
                throw RequestValidationError("speaker_count must be an integer from 2 to 100", field: field)
            }
            return .number(Double(count))
        case "parameters":
            guard let json = JSONValue.parse(Array(value.utf8)), json.objectValue != nil else {
                throw RequestValidationError("parameters must be a JSON object", field: field)
            }
            return json
        default:
            return .string(value)
        }
    }

    /// A list option: a JSON array, or comma-separated items (numbers for `channel_id`).
    private static func list(_ value: String, field: String, numeric: Bool) throws(RequestValidationError) -> [JSONValue] {
        if value.first == "[" {
            guard let items = JSONValue.parse(Array(value.utf8))?.arrayValue else {
                throw RequestValidationError("\(field) must be a JSON array or a comma-separated list", field: field)
            }
            return items
        }
        let pieces = value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard numeric else { return pieces.map(JSONValue.string) }
        var numbers: [JSONValue] = []
        for piece in pieces {
            guard let number = Int(piece) else {
                throw RequestValidationError("\(field) must be a non-empty array of non-negative integers", field: field)
            }
            numbers.append(.number(Double(number)))
        }
        return numbers
    }
}
