import JSON
import MicroHTTPServer

/// A validated `POST /api/v1/services/audio/asr/customization` body: `{"model":"speech-biasing","input":{"action",…}}`.
///
/// The actions and fields are those the official Python SDK sends (`dashscope/audio/asr/vocabulary.py`,
/// `VocabularyService`); the word rules are Model Studio's documented ones (custom hotwords user guide).
enum VocabularyRequest: Sendable, Equatable {
    /// `create_vocabulary`: `target_model`, `prefix`, `vocabulary`.
    case create(targetModel: String, prefix: String, entries: [JSONValue])
    /// `list_vocabulary`: optional `prefix`, `page_index` (from 0, default 0), `page_size` (default 10).
    case list(prefix: String?, pageIndex: Int, pageSize: Int)
    /// `query_vocabulary`: `vocabulary_id`.
    case query(id: String)
    /// `update_vocabulary`: `vocabulary_id`, `vocabulary` (replaces every word).
    case update(id: String, entries: [JSONValue])
    /// `delete_vocabulary`: `vocabulary_id`.
    case delete(id: String)

    /// The one model the customization endpoint serves.
    static let model = "speech-biasing"
    /// The most hot words one list holds.
    static let maxEntries = 500

    /// Validates a body; the error names the offending field.
    static func parse(_ body: [UInt8]) -> Result<VocabularyRequest, SimulatedError> {
        guard let json = JSONValue.parse(body), json.objectValue != nil else { return .failure(.malformedJSON) }
        guard let modelValue = json["model"], modelValue != .null else { return .failure(.emptyModel) }
        guard let model = modelValue.stringValue else { return .failure(.invalidParameter("Parameter \"model\" must be a string.")) }
        guard model == Self.model else { return .failure(.modelNotExist) }
        guard let input = json["input"], input != .null else { return .failure(.emptyInput) }
        guard input.objectValue != nil else { return .failure(.invalidParameter("Parameter \"input\" must be an object.")) }
        guard let action = input["action"], action != .null else {
            return .failure(.invalidParameter("Required parameter \"input.action\" missing from request."))
        }
        do throws(SimulatedError) {
            switch action.stringValue {
            case "create_vocabulary":
                return .success(.create(
                    targetModel: try string(input, "target_model"), prefix: try prefix(input), entries: try entries(input)))
            case "list_vocabulary":
                let prefix = try optionalString(input, "prefix")
                return .success(.list(
                    prefix: prefix?.isEmpty == true ? nil : prefix,
                    pageIndex: try integer(input, "page_index", default: 0, minimum: 0),
                    pageSize: try integer(input, "page_size", default: 10, minimum: 1)))
            case "query_vocabulary": return .success(.query(id: try string(input, "vocabulary_id")))
            case "update_vocabulary":
                return .success(.update(id: try string(input, "vocabulary_id"), entries: try entries(input)))
            case "delete_vocabulary": return .success(.delete(id: try string(input, "vocabulary_id")))
            default:
                throw .invalidParameter(
                    "Parameter \"input.action\" must be one of create_vocabulary, list_vocabulary, query_vocabulary, update_vocabulary, delete_vocabulary.")
            }
        } catch {
            return .failure(error)
        }
    }

    private static func optionalString(_ input: JSONValue, _ name: String) throws(SimulatedError) -> String? {
        guard let value = input[name], value != .null else { return nil }
        guard let text = value.stringValue else { throw .invalidParameter("Parameter \"input.\(name)\" must be a string.") }
        return text
    }

    private static func string(_ input: JSONValue, _ name: String) throws(SimulatedError) -> String {
        guard let text = try optionalString(input, name), !text.isEmpty else {
            throw .invalidParameter("Required parameter \"input.\(name)\" missing from request.")
        }
        return text
    }

    private static func integer(_ input: JSONValue, _ name: String, default fallback: Int, minimum: Int) throws(SimulatedError) -> Int {
        guard let value = input[name], value != .null else { return fallback }
        guard let number = value.intValue, number >= minimum else {
            throw .invalidParameter("Parameter \"input.\(name)\" must be an integer of at least \(minimum).")
        }
        return number
    }

    /// Digits and lowercase ASCII letters, fewer than 10 (the SDK's and the API reference's rule).
    private static func prefix(_ input: JSONValue) throws(SimulatedError) -> String {
        let prefix = try string(input, "prefix")
        let allowed = prefix.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard allowed, prefix.utf8.count < 10 else {
            throw .invalidParameter("Parameter \"input.prefix\" must be lowercase letters and digits, fewer than 10 characters.")
        }
        return prefix
    }

    /// 1–500 hot words, each kept as `{"text","weight"[,"lang"]}` (other members dropped).
    private static func entries(_ input: JSONValue) throws(SimulatedError) -> [JSONValue] {
        guard let value = input["vocabulary"], value != .null else {
            throw .invalidParameter("Required parameter \"input.vocabulary\" missing from request.")
        }
        guard let items = value.arrayValue, (1...maxEntries).contains(items.count) else {
            throw .invalidParameter("Parameter \"input.vocabulary\" must be an array of 1 to \(maxEntries) hot words.")
        }
        return try items.enumerated().map { (index, item) throws(SimulatedError) in try entry(item, at: "input.vocabulary[\(index)]") }
    }

    private static func entry(_ item: JSONValue, at path: String) throws(SimulatedError) -> JSONValue {
        guard let text = item["text"]?.stringValue, HotWordText.isValid(text) else {
            throw .invalidParameter(
                "\(path).text must be a word or phrase: at most 15 characters with non-ASCII text, at most 7 space-separated words of ASCII.")
        }
        guard let weight = item["weight"]?.intValue, (1...5).contains(weight) else {
            throw .invalidParameter("\(path).weight must be an integer from 1 to 5.")
        }
        var kept: [String: JSONValue] = ["text": .string(text), "weight": .number(Double(weight))]
        if let lang = item["lang"], lang != .null {
            guard let code = lang.stringValue, !code.isEmpty else { throw .invalidParameter("\(path).lang must be a language code.") }
            kept["lang"] = .string(code)
        }
        return .object(kept)
    }
}

/// Model Studio's hot-word text rule: with any non-ASCII character at most 15 characters in all, else at most 7
/// space-separated segments; never empty.
enum HotWordText {
    /// True when `text` may be a hot word.
    static func isValid(_ text: String) -> Bool {
        guard !text.trimmingWhitespace().isEmpty else { return false }
        if text.unicodeScalars.contains(where: { !$0.isASCII }) { return text.count <= 15 }
        return text.split(separator: " ").count <= 7
    }
}
