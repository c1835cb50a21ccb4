import Logging

/// How one log event becomes one line (without the newline).
public protocol LogLineFormat: Sendable {
    /// The line for an event at `timestamp` (ISO 8601 UTC) with its metadata entries already in key order.
    static func line(timestamp: String, level: Logger.Level, label: String, message: String, entries: [MetadataEntry]) -> String
}

/// A swift-log handler writing one line per event in `Format` (text or JSON lines).
public struct LineLogHandler<Format: LogLineFormat>: LogHandler, DirectLineWriting {
    /// The logger's label.
    public let label: String
    /// Metadata attached to every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// An extra metadata source (e.g. task-local values).
    public var metadataProvider: Logger.MetadataProvider?
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    private let write: @Sendable (_ line: String, _ urgent: Bool) -> Void

    /// Creates a handler writing each line (newline included) through `write`, told whether it is urgent (a
    /// warning or worse).
    public init(
        label: String, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (_ line: String, _ urgent: Bool) -> Void
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// A handler writing whole lines to standard error (held up to 20 ms under load; warnings and worse at once).
    public static func standardError(label: String, metadataProvider: Logger.MetadataProvider? = nil) -> Self {
        Self(label: label, metadataProvider: metadataProvider) { line, urgent in
            StandardErrorLines.shared.write(line, urgent: urgent)
        }
    }

    /// Metadata of this handler by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event as one line: the handler's metadata, then the provider's, then the call's (later win).
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let given = event.metadata {
            if merged.isEmpty { merged = given } else { merged.merge(given) { _, new in new } }
        }
        Self.writeLine(level: event.level, label: label, message: event.message.description, entries: merged.sortedEntries, to: write)
    }

    /// Writes info lines without swift-log's metadata dictionary when this handler adds no metadata of its own and
    /// writes info; nil otherwise.
    public func infoLineWriter() -> InfoLineWriter? {
        guard metadata.isEmpty, metadataProvider == nil, logLevel <= .info else { return nil }
        return InfoLineWriter { [label, write] message, entries in
            Self.writeLine(level: .info, label: label, message: message, entries: entries, to: write)
        }
    }

    /// Stamps, formats and writes one line; warnings and worse are urgent.
    private static func writeLine(
        level: Logger.Level, label: String, message: String, entries: [MetadataEntry],
        to write: @Sendable (_ line: String, _ urgent: Bool) -> Void
    ) {
        var line = Format.line(timestamp: LogLine.timestamp(), level: level, label: label, message: message, entries: entries)
        line.append("\n")
        write(line, level >= .warning)
    }
}
