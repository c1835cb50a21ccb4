import JSON
import DashScope
import FoundationEssentials

extension GatewayConfiguration {
    /// Parses `name=model` alias entries (from `--model-alias` or a comma-separated variable); throws on a malformed one.
    public static func parseModelAliases(_ entries: [String]) throws(ConfigurationError) -> [String: String] {
        var aliases: [String: String] = [:]
        for entry in entries.map({ $0.trimmingWhitespace() }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard parts.count == 2, OpenAIModelCatalog.isModelName(parts[0]), OpenAIModelCatalog.isModelName(parts[1]) else {
                throw ConfigurationError("model alias '\(entry)' must be NAME=MODEL, e.g. whisper-1=fun-asr-flash-2026-06-15")
            }
            aliases[parts[0]] = parts[1]
        }
        return aliases
    }
}

/// The models the OpenAI-compatible API serves: the Flash model, and OpenAI names aliased to DashScope ids.
struct OpenAIModelCatalog: Sendable {
    /// The OpenAI transcription models that map to the Flash model unless configured otherwise.
    static let openAINames = ["whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"]

    /// The Flash model used for OpenAI names and when a request names no model.
    let flashModel: String
    /// Every alias in force: the built-in OpenAI names plus the configured ones (which win).
    let aliases: [String: String]

    init(flashModel: String, configuredAliases: [String: String]) {
        self.flashModel = flashModel
        var aliases = Dictionary(uniqueKeysWithValues: Self.openAINames.map { ($0, flashModel) })
        aliases.merge(configuredAliases) { _, configured in configured }
        self.aliases = aliases
    }

    init(configuration: GatewayConfiguration) {
        self.init(flashModel: configuration.flashModel, configuredAliases: configuration.openAIModelAliases)
    }

    /// The DashScope model a request's `model` selects: an alias's target, a DashScope id as given, or the Flash model.
    func resolve(_ name: String?) -> String {
        guard let name, !name.isEmpty else { return flashModel }
        return aliases[name] ?? name
    }

    /// One entry of `GET /v1/models`.
    struct Entry: Sendable, Equatable {
        var id: String
        var ownedBy: String
        var created: Int
    }

    /// The Flash model and every alias target first, then the aliases, each listed once.
    var entries: [Entry] {
        var seen: Set<String> = []
        var result: [Entry] = []
        for id in [flashModel] + aliases.values.sorted() where seen.insert(id).inserted {
            result.append(Entry(id: id, ownedBy: "alibaba-cloud", created: Self.created(id)))
        }
        for (alias, target) in aliases.sorted(by: { $0.key < $1.key }) where seen.insert(alias).inserted {
            result.append(Entry(id: alias, ownedBy: "funasr-gateway", created: Self.created(target)))
        }
        return result
    }

    /// `{"id","object":"model","created","owned_by"}`.
    static func modelObject(_ entry: Entry) -> JSONValue {
        .object([
            "id": .string(entry.id), "object": "model", "created": .number(Double(entry.created)),
            "owned_by": .string(entry.ownedBy),
        ])
    }

    /// `{"object":"list","data":[…]}`.
    var listBody: JSONValue {
        .object(["object": "list", "data": .array(entries.map(Self.modelObject))])
    }

    /// True for a plausible model id: 1–128 characters without whitespace, `=` or `,`.
    static func isModelName(_ text: String) -> Bool {
        (1...128).contains(text.count) && !text.contains { $0.isWhitespace || $0 == "=" || $0 == "," || $0 == "/" }
    }

    /// The Unix time of the `YYYY-MM-DD` date ending a model id (its release), else 0.
    static func created(_ id: String) -> Int {
        let parts = id.split(separator: "-")
        guard parts.count >= 3, let year = Int(parts[parts.count - 3]), let month = Int(parts[parts.count - 2]),
              let day = Int(parts[parts.count - 1]), (2000...2999).contains(year)
        else { return 0 }
        // Integer calendar arithmetic: without FoundationInternationalization, `TimeZone(identifier:)` is nil.
        let milliseconds = CivilTime.epochMilliseconds(
            year: year, month: month, day: day, hour: 0, minute: 0, second: 0, offsetSeconds: 0)
        return milliseconds.map { Int($0 / 1000) } ?? 0
    }
}
