/// A configuration the gateway refuses to start with; the message says what to change.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sentence shown to the operator.
    public let description: String

    /// Creates the error.
    public init(_ description: String) {
        self.description = description
    }
}
