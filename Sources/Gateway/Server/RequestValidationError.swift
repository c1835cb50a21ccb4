/// A client request the gateway refuses before calling DashScope (HTTP 400).
public struct RequestValidationError: Error, Sendable, Equatable {
    /// A sentence for humans, e.g. "speaker_count must be an integer from 2 to 100".
    public var message: String
    /// The offending field or query parameter, when there is one.
    public var field: String?

    /// Creates an error.
    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }
}
