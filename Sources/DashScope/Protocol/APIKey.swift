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

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
}
