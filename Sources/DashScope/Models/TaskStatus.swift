/// The state of a task or subtask; unknown strings are kept rather than failing the decode.
public enum TaskStatus: Sendable, Hashable {
    /// Queued.
    case pending
    /// Being processed.
    case running
    /// Done; for a task, at least one file succeeded.
    case succeeded
    /// Done without any result.
    case failed
    /// Canceled while pending.
    case canceled
    /// The task does not exist, expired or belongs to another account.
    case unknown
    /// Suspended (known to the SDK, never documented for ASR).
    case suspended
    /// A value this gateway does not know, kept verbatim.
    case unrecognized(String)

    /// Maps a wire value (exact, upper case) to a status.
    public init(rawValue: String) {
        switch rawValue {
        case "PENDING": self = .pending
        case "RUNNING": self = .running
        case "SUCCEEDED": self = .succeeded
        case "FAILED": self = .failed
        case "CANCELED": self = .canceled
        case "UNKNOWN": self = .unknown
        case "SUSPENDED": self = .suspended
        default: self = .unrecognized(rawValue)
        }
    }

    /// The wire value, e.g. `SUCCEEDED`.
    public var rawValue: String {
        switch self {
        case .pending: "PENDING"
        case .running: "RUNNING"
        case .succeeded: "SUCCEEDED"
        case .failed: "FAILED"
        case .canceled: "CANCELED"
        case .unknown: "UNKNOWN"
        case .suspended: "SUSPENDED"
        case .unrecognized(let value): value
        }
    }

    /// Whether polling can stop: SUCCEEDED, FAILED, CANCELED or UNKNOWN.
    public var isTerminal: Bool {
        switch self {
        case .succeeded, .failed, .canceled, .unknown: true
        case .pending, .running, .suspended, .unrecognized: false
        }
    }
}
