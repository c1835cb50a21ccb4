import JSON

/// DashScope's answer to a submitted transcription: `{"output": {"task_id", "task_status"}, "request_id"}`.
public struct SubmittedTask: Sendable, Equatable {
    /// The task id to poll.
    public var taskID: String
    /// The status DashScope reported (PENDING when it sent none).
    public var status: TaskStatus
    /// DashScope's request id.
    public var requestID: String?

    /// Creates a value.
    public init(taskID: String, status: TaskStatus = .pending, requestID: String? = nil) {
        self.taskID = taskID
        self.status = status
        self.requestID = requestID
    }

    /// Reads the answer; `output.task_id` is required.
    public init(json: JSONValue) throws(JSONShapeError) {
        let root = try JSONObjectReader(json)
        let output = try root.object("output")
        taskID = try output.string("task_id")
        status = try output.optionalString("task_status").map(TaskStatus.init(rawValue:)) ?? .pending
        requestID = try root.optionalString("request_id")
    }
}
