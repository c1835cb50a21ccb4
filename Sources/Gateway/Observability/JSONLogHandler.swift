import Logging

// One JSON object per line: `timestamp` (ISO 8601 UTC, milliseconds), `level`, `label`, `message`, then every
// metadata key (the logger's, its provider's, the call's; the call's win) at the top level. A metadata key that
// would overwrite one of the four fixed keys is written as `metadata.<key>`. Values keep their JSON shape where
// swift-log has one (nested dictionaries and arrays); everything else is a string. No secret is ever passed as
// metadata by the gateway (the API key type prints as `<redacted>`); this handler adds nothing of its own.

/// A swift-log handler writing JSON lines (for `--log-format json`).
public struct JSONLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    /// Metadata attached to every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// An extra metadata source (e.g. task-local values).
    public var metadataProvider: Logger.MetadataProvider?
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    private let write: @Sendable (String) -> Void

    /// Creates a handler writing each line (newline included) through `write`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// A handler writing to standard error, one whole line per write.
    public static func standardError(label: String, metadataProvider: Logger.MetadataProvider? = nil) -> JSONLogHandler {
        JSONLogHandler(label: label, metadataProvider: metadataProvider) { line in
            StandardErrorLines.shared.write(line)
        }
    }

    /// Metadata of this handler by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event as one JSON line.
    public func log(event: LogEvent) {
        let merged = LogLine.merged(metadata, provider: metadataProvider, event: event.metadata)
        var line = "{\"timestamp\":" + Self.quoted(LogLine.timestamp())
        line += ",\"level\":" + Self.quoted(event.level.rawValue)
        line += ",\"label\":" + Self.quoted(label)
        line += ",\"message\":" + Self.quoted(event.message.description)
        for key in merged.keys.sorted() {
            guard let value = merged[key] else { continue }
            let name = Self.reserved.contains(key) ? "metadata." + key : key
            line += "," + Self.quoted(name) + ":" + Self.json(value)
        }
        line += "}\n"
        write(line)
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

    /// A JSON string literal (RFC 8259 escaping; non-ASCII written as UTF-8).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x2028...0x2029).contains(scalar.value):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
