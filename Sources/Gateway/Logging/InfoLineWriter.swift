import Logging

/// A log handler that can write info lines from entries already in key order, skipping swift-log's metadata
/// dictionary and the sort (the access log writes one line per request).
public protocol DirectLineWriting {
    /// The writer, or nil when this handler must see every line through swift-log (its own metadata, a provider,
    /// or a level above info).
    func infoLineWriter() -> InfoLineWriter?
}

/// Writes one info line: a message and its metadata entries, already ordered by key.
public struct InfoLineWriter: Sendable {
    /// Writes the line.
    public let write: @Sendable (_ message: String, _ entries: [MetadataEntry]) -> Void
}

/// Info lines with fixed keys, written directly when the logger's handler allows it, else through swift-log with
/// the same result: the line does not depend on the path taken.
public struct InfoLines: Sendable {
    private let logger: Logger
    private let direct: InfoLineWriter?

    /// Lines for `logger`.
    public init(logger: Logger) {
        self.logger = logger
        direct = (logger.handler as? any DirectLineWriting)?.infoLineWriter()
    }

    /// Writes `message` with `entries`, which must be ordered by key and unique.
    public func write(_ message: String, entries: [MetadataEntry]) {
        if let direct {
            direct.write(message, entries)
            return
        }
        var metadata = Logger.Metadata(minimumCapacity: entries.count)
        for entry in entries { metadata[entry.key] = entry.value }
        logger.info("\(message)", metadata: metadata)
    }
}
