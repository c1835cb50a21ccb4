import JSON
import Logging

// One JSON object per line: `timestamp` (ISO 8601 UTC, milliseconds), `level`, `label`, `message`, then every
// metadata key (the logger's, its provider's, the call's; the call's win) at the top level. A metadata key that
// would overwrite one of the four fixed keys is written as `metadata.<key>`. Values keep their JSON shape where
// swift-log has one (nested dictionaries and arrays); everything else is a string. No secret is ever passed as
// metadata by the gateway (the API key type prints as `<redacted>`); this handler adds nothing of its own.

/// A swift-log handler writing JSON lines (for `--log-format json`).
public typealias JSONLogHandler = LineLogHandler<JSONLineFormat>

/// One JSON object per event, keys as described above.
public enum JSONLineFormat: LogLineFormat {
    /// The JSON line of one event.
    public static func line(timestamp: String, level: Logger.Level, label: String, message: String, entries: [MetadataEntry]) -> String {
        var line = "{\"timestamp\":" + quoted(timestamp)
        line += ",\"level\":" + quoted(level.rawValue)
        line += ",\"label\":" + quoted(label)
        line += ",\"message\":" + quoted(message)
        for entry in entries {
            let (key, value) = (entry.key, entry.value)
            let name = reserved.contains(key) ? "metadata." + key : key
            line += "," + quoted(name) + ":" + json(value)
        }
        return line + "}"
    }

    private static let reserved: Set<String> = ["timestamp", "level", "label", "message"]

    private static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .stringConvertible(let convertible): quoted(convertible.description)
        case .array(let items): "[" + items.map(json).joined(separator: ",") + "]"
        case .dictionary(let members):
            "{" + members.sorted { $0.key < $1.key }.map { quoted($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal, through the JSON module's one escaper.
    static func quoted(_ text: String) -> String {
        JSONWriter.quoted(text)
    }
}
