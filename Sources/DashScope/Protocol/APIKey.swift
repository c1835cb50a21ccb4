/// The DashScope API key; prints as `<redacted>` so it cannot slip into a log or error by interpolation.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key itself; read it only to build the upstream `Authorization` header.
    public let secret: String

    /// Wraps a key, trimming surrounding white space and newlines (secret files often end in one).
    public init(_ secret: String) {
        let start = secret.firstIndex { !$0.isWhitespace } ?? secret.endIndex
        let end = secret.lastIndex { !$0.isWhitespace }.map(secret.index(after:)) ?? start
        self.secret = String(secret[start..<end])
    }

    /// Wraps a key exactly as given after refusing anything an HTTP header cannot carry verbatim: the key must be
    /// visible ASCII without spaces. With `fromFile`, one trailing line break (`\n` or `\r\n`) is dropped first.
    /// The thrown message says what is wrong and never contains the key.
    public init(validating text: String, fromFile: Bool = false) throws(InvalidAPIKey) {
        var bytes = Array(text.utf8)
        if fromFile {
            if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        if let problem = Self.problem(in: bytes, fromFile: fromFile) { throw InvalidAPIKey(reason: problem) }
        secret = String(decoding: bytes, as: UTF8.self)
    }

    /// True when the key is visible ASCII without spaces (what `init(validating:)` accepts).
    public var isWellFormed: Bool {
        Self.problem(in: Array(secret.utf8), fromFile: false) == nil
    }

    /// Why `bytes` is not a usable key, in words that do not repeat any of it; nil when it is.
    static func problem(in bytes: [UInt8], fromFile: Bool) -> String? {
        if bytes.isEmpty { return "is empty" }
        if fromFile, bytes.contains(UInt8(ascii: "\n")) || bytes.contains(UInt8(ascii: "\r")) {
            return "has more than one line (only one trailing line break is allowed)"
        }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "contains a control character" }
        if bytes.contains(UInt8(ascii: " ")) { return "contains a space" }
        if bytes.contains(where: { $0 > 0x7F }) { return "contains a non-ASCII character" }
        return nil
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
}

/// Why a DashScope key was refused; the reason never contains the key.
public struct InvalidAPIKey: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `contains a control character`.
    public let reason: String
    /// `the DashScope API key <reason>`.
    public var description: String { "the DashScope API key \(reason)" }
}
