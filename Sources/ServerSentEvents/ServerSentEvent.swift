// `id` is the `id` field seen in *this* block (`nil` when the block had none, `""` when it reset the id); the
// spec's sticky "last event ID" lives on `SSEParser.lastEventID`. `comments` keeps the comment lines of the
// block (DashScope sends `:HTTP_STATUS/200`) so a relay can reproduce them.

/// One dispatched server-sent event: the fields of one block of a `text/event-stream`.
public struct ServerSentEvent: Sendable, Equatable, Hashable {
    /// The `id` field of this event's block, or `nil` when the block had no `id` line.
    public var id: String?
    /// The `event` field (the event type); `nil` means the default type `message`.
    public var event: String?
    /// The `data` lines of the block joined with `"\n"`.
    public var data: String
    /// The `retry` field in milliseconds, when the block had a valid one.
    public var retry: Int?
    /// The block's comment lines, without the leading colon and without one optional space after it.
    public var comments: [String]

    /// Creates an event; only `data` is required.
    public init(id: String? = nil, event: String? = nil, data: String, retry: Int? = nil, comments: [String] = []) {
        self.id = id
        self.event = event
        self.data = data
        self.retry = retry
        self.comments = comments
    }

    /// The event type as EventSource reports it: `event`, or `"message"` when it is `nil` or empty.
    public var eventType: String {
        guard let event, !event.isEmpty else { return "message" }
        return event
    }
}
