/// A job's webhook as the store keeps it: where to, whether it is due, and every attempt so far.
public struct StoredWebhook: Sendable, Equatable {
    /// The job it belongs to.
    public var taskID: String
    /// The callback URL.
    public var url: String
    /// `pending`, `delivered` or `failed` (gave up).
    public var state: String
    /// The id of the job event being delivered (stable across retries); nil until the job ends.
    public var eventID: String?
    /// When the next attempt is due (epoch ms); nil until the job ends, and once delivered or given up.
    public var nextAttemptAt: Int64?
    /// When the job was seen to end (epoch ms): retries stop 24 h after it.
    public var dueSince: Int64?
    /// The attempts so far as a JSON array (time, status code or error, next retry).
    public var attempts: [UInt8]

    /// Creates a webhook waiting for its job to end.
    public init(
        taskID: String, url: String, state: String = "pending", eventID: String? = nil, nextAttemptAt: Int64? = nil,
        dueSince: Int64? = nil, attempts: [UInt8] = Array("[]".utf8)
    ) {
        self.taskID = taskID
        self.url = url
        self.state = state
        self.eventID = eventID
        self.nextAttemptAt = nextAttemptAt
        self.dueSince = dueSince
        self.attempts = attempts
    }
}
