/// Why `SSEParser.feed(_:)` threw; each case carries the events that call completed before the failure.
public enum SSEParserError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line grew past `limit` bytes (`SSEParser.maxLineBytes`) before its line ending.
    case lineTooLong(limit: Int, completedEvents: [ServerSentEvent])
    /// One event's data and comments grew past `limit` bytes (`SSEParser.maxEventBytes`) before its blank line.
    case eventTooLarge(limit: Int, completedEvents: [ServerSentEvent])

    /// The events the failing `feed` call completed before the failure: deliver them, then handle the error.
    public var completedEvents: [ServerSentEvent] {
        switch self {
        case .lineTooLong(_, let events), .eventTooLarge(_, let events):
            return events
        }
    }

    /// A short description for logs; never includes event contents.
    public var description: String {
        switch self {
        case .lineTooLong(let limit, _):
            return "server-sent event stream has a line longer than \(limit) bytes"
        case .eventTooLarge(let limit, _):
            return "server-sent event stream has an event larger than \(limit) bytes"
        }
    }
}
