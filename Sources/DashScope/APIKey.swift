/// The DashScope API key; prints as `<redacted>` so it cannot slip into a log or error by interpolation.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key itself; read it only to build the upstream `Authorization` header.
    public let secret: String

    /// Wraps a key, trimming surrounding white space and newlines (secret files often end in one).
    public init(_ secret: String) {
        self.secret = secret.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
}

import Foundation
