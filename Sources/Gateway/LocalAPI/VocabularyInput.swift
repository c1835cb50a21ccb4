import DashScope
import JSON

// Rules (Model Studio's, checked here so a client gets a precise 400 before any upstream call): `prefix` is 1–9
// lowercase letters or digits; 1–500 words; each word is a non-empty text (at most 15 characters when it has
// non-ASCII characters, else at most 7 space-separated words), a weight 1–5 (4 when omitted, the value Alibaba's
// guide starts from) and an optional `lang`; a word may also be given as a plain string. Unknown fields are refused.

/// A validated local vocabulary body (`POST /v1/vocabularies`, `PUT /v1/vocabularies/{id}`).
struct VocabularyInput: Sendable, Equatable {
    /// The model recognition will use the vocabulary with (`fun-asr` by default).
    var targetModel: String
    /// The id prefix DashScope puts into `vocab-<prefix>-…` (create only).
    var prefix: String?
    /// The hot words.
    var words: [HotWord]

    /// The most words one vocabulary holds.
    static let maxWords = 500
    /// The weight of a word that names none.
    static let defaultWeight = 4

    /// Reads a create body (`prefix` required) or an update body (`words` only).
    init(body: [UInt8], creating: Bool) throws {
        let object = try JSONResponse.object(from: body)
        let allowed: Set<String> = creating ? ["prefix", "target_model", "words"] : ["words"]
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw GatewayError.invalidRequest(
                "unknown field '\(unknown)'; allowed: \(allowed.sorted().joined(separator: ", "))", param: unknown)
        }
        targetModel = try Self.string(object["target_model"], field: "target_model") ?? TranscriptionSubmission.defaultModel
        prefix = nil
        if creating {
            guard let prefix = try Self.string(object["prefix"], field: "prefix"), Self.isValidPrefix(prefix) else {
                throw GatewayError.invalidRequest("prefix must be 1 to 9 lowercase letters or digits", param: "prefix")
            }
            self.prefix = prefix
        }
        guard let items = object["words"]?.arrayValue, (1...Self.maxWords).contains(items.count) else {
            throw GatewayError.invalidRequest("words must be an array of 1 to \(Self.maxWords) hot words", param: "words")
        }
        words = try items.enumerated().map { try Self.word($1, index: $0) }
    }

    /// True for 1–9 lowercase ASCII letters or digits.
    static func isValidPrefix(_ prefix: String) -> Bool {
        (1...9).contains(prefix.utf8.count) && prefix.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }

    private static func word(_ value: JSONValue, index: Int) throws -> HotWord {
        let field = "words[\(index)]"
        if let text = value.stringValue { return try HotWord(text: checkedText(text, field: field), weight: defaultWeight) }
        guard let object = value.objectValue else {
            throw GatewayError.invalidRequest("\(field) must be a string or {\"text\", \"weight\", \"lang\"}", param: "words")
        }
        if let unknown = object.keys.sorted().first(where: { !["text", "weight", "lang"].contains($0) }) {
            throw GatewayError.invalidRequest("\(field) has an unknown field '\(unknown)'", param: "words")
        }
        guard let text = object["text"]?.stringValue else {
            throw GatewayError.invalidRequest("\(field).text must be a string", param: "words")
        }
        var weight = defaultWeight
        if let given = object["weight"], given != .null {
            guard let number = given.intValue, (1...5).contains(number) else {
                throw GatewayError.invalidRequest("\(field).weight must be a whole number from 1 to 5", param: "words")
            }
            weight = number
        }
        let language = try string(object["lang"], field: "\(field).lang")
        return HotWord(text: try checkedText(text, field: field), weight: weight, language: language)
    }

    private static func checkedText(_ text: String, field: String) throws -> String {
        let blank = text.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" }
        let fits = text.unicodeScalars.contains { !$0.isASCII } ? text.count <= 15 : text.split(separator: " ").count <= 7
        guard !blank, fits else {
            throw GatewayError.invalidRequest(
                "\(field) must be a word or phrase: at most 15 characters with non-ASCII text, at most 7 words otherwise",
                param: "words")
        }
        return text
    }

    private static func string(_ value: JSONValue?, field: String) throws -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue, !text.isEmpty else {
            throw GatewayError.invalidRequest("\(field) must be a non-empty string", param: field)
        }
        return text
    }
}
