import JSON

/// One hot word of a vocabulary: its text, a weight 1–5 and optionally its language.
public struct HotWord: Sendable, Equatable {
    /// The word or phrase.
    public var text: String
    /// How strongly recognition leans towards it, 1–5.
    public var weight: Int
    /// Its language code (`zh`, `en`, …), when given.
    public var language: String?

    /// Creates a hot word.
    public init(text: String, weight: Int, language: String? = nil) {
        self.text = text
        self.weight = weight
        self.language = language
    }

    /// Reads `{"text", "weight", "lang"}`.
    public init(json: JSONValue, path: String = "word") throws(JSONShapeError) {
        let object = try JSONObjectReader(json, path: path)
        text = try object.string("text")
        weight = try object.int("weight")
        language = try object.optionalString("lang")
    }

    /// `{"text", "weight"[, "lang"]}` as DashScope takes it.
    public var json: JSONValue {
        var members: [String: JSONValue] = ["text": .string(text), "weight": .number(Double(weight))]
        if let language { members["lang"] = .string(language) }
        return .object(members)
    }
}

/// A vocabulary as `query_vocabulary` describes it (times are DashScope's Beijing-time text).
public struct Vocabulary: Sendable, Equatable {
    /// The id to pass as `vocabulary_id`.
    public var id: String
    /// The model it was made for.
    public var targetModel: String?
    /// `OK`, or `UNDEPLOYED` while DashScope prepares it.
    public var status: String?
    /// Its hot words.
    public var words: [HotWord]
    /// When it was created (`gmt_create`).
    public var created: String?
    /// When it last changed (`gmt_modified`).
    public var modified: String?

    /// Reads the `query_vocabulary` answer for `id`.
    public init(id: String, json: JSONValue) throws(JSONShapeError) {
        let output = try JSONObjectReader(json).object("output")
        self.id = id
        targetModel = try output.optionalString("target_model")
        status = try output.optionalString("status")
        created = try output.optionalString("gmt_create")
        modified = try output.optionalString("gmt_modified")
        var words: [HotWord] = []
        for (index, word) in (try output.optionalArray("vocabulary") ?? []).enumerated() {
            words.append(try HotWord(json: word, path: "output.vocabulary[\(index)]"))
        }
        self.words = words
    }
}

/// One entry of `list_vocabulary`.
public struct VocabularySummary: Sendable, Equatable {
    /// The vocabulary id.
    public var id: String
    /// `OK` or `UNDEPLOYED`.
    public var status: String?
    /// When it was created (`gmt_create`).
    public var created: String?
    /// When it last changed (`gmt_modified`).
    public var modified: String?

    /// Reads the whole `list_vocabulary` answer.
    public static func list(json: JSONValue) throws(JSONShapeError) -> [VocabularySummary] {
        let output = try JSONObjectReader(json).object("output")
        var items: [VocabularySummary] = []
        for (index, item) in (try output.optionalArray("vocabulary_list") ?? []).enumerated() {
            let entry = try JSONObjectReader(item, path: "output.vocabulary_list[\(index)]")
            items.append(VocabularySummary(
                id: try entry.string("vocabulary_id"), status: try entry.optionalString("status"),
                created: try entry.optionalString("gmt_create"), modified: try entry.optionalString("gmt_modified")))
        }
        return items
    }
}
