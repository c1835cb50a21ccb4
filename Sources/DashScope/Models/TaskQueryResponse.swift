/// The answer to `GET /api/v1/tasks/{task_id}`: an async task's state and, once finished, its results.
public struct TaskQueryResponse: Codable, Sendable, Equatable {
    /// The id DashScope gave this query.
    public var requestID: String?
    /// The task itself.
    public var output: TaskOutput
    /// Billing usage, present on success.
    public var usage: TaskUsage?

    /// Creates a response.
    public init(requestID: String? = nil, output: TaskOutput, usage: TaskUsage? = nil) {
        self.requestID = requestID
        self.output = output
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case output
        case usage
    }
}

/// The `output` of a task query (also the `output` of a submit response, which holds only id and status).
public struct TaskOutput: Codable, Sendable, Equatable {
    /// The task id.
    public var taskID: String
    /// The task state.
    public var taskStatus: TaskStatus
    /// When the task was submitted, `YYYY-MM-DD HH:MM:SS.mmm` in Beijing time.
    public var submitTime: String?
    /// When the task was scheduled, same format.
    public var scheduledTime: String?
    /// When the task finished, same format.
    public var endTime: String?
    /// One result per submitted file, once known.
    public var results: [SubtaskResult]?
    /// File counts by outcome.
    public var taskMetrics: TaskMetrics?
    /// Error code when the task failed.
    public var code: String?
    /// Error message when the task failed.
    public var message: String?

    /// Creates an output.
    public init(
        taskID: String, taskStatus: TaskStatus, submitTime: String? = nil, scheduledTime: String? = nil,
        endTime: String? = nil, results: [SubtaskResult]? = nil, taskMetrics: TaskMetrics? = nil,
        code: String? = nil, message: String? = nil
    ) {
        self.taskID = taskID
        self.taskStatus = taskStatus
        self.submitTime = submitTime
        self.scheduledTime = scheduledTime
        self.endTime = endTime
        self.results = results
        self.taskMetrics = taskMetrics
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case taskStatus = "task_status"
        case submitTime = "submit_time"
        case scheduledTime = "scheduled_time"
        case endTime = "end_time"
        case results
        case taskMetrics = "task_metrics"
        case code
        case message
    }
}

/// The outcome for one file of a task.
public struct SubtaskResult: Codable, Sendable, Equatable {
    /// The file the subtask read.
    public var fileURL: String?
    /// Signed URL of the result file (success only, valid 24 h).
    public var transcriptionURL: String?
    /// The subtask state.
    public var subtaskStatus: TaskStatus?
    /// Error code of a failed subtask.
    public var code: String?
    /// Error message of a failed subtask.
    public var message: String?

    /// Creates a subtask result.
    public init(
        fileURL: String? = nil, transcriptionURL: String? = nil, subtaskStatus: TaskStatus? = nil,
        code: String? = nil, message: String? = nil
    ) {
        self.fileURL = fileURL
        self.transcriptionURL = transcriptionURL
        self.subtaskStatus = subtaskStatus
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case fileURL = "file_url"
        case transcriptionURL = "transcription_url"
        case subtaskStatus = "subtask_status"
        case code
        case message
    }
}

/// File counts of a task (`task_metrics`); a missing count decodes as 0.
public struct TaskMetrics: Codable, Sendable, Equatable {
    /// Number of files.
    public var total: Int
    /// Files recognized.
    public var succeeded: Int
    /// Files that failed.
    public var failed: Int

    /// Creates metrics.
    public init(total: Int, succeeded: Int, failed: Int) {
        self.total = total
        self.succeeded = succeeded
        self.failed = failed
    }

    enum CodingKeys: String, CodingKey {
        case total = "TOTAL"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
    }

    /// Decodes metrics, defaulting missing counts to 0.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        total = try container.decodeIfPresent(Int.self, forKey: .total) ?? 0
        succeeded = try container.decodeIfPresent(Int.self, forKey: .succeeded) ?? 0
        failed = try container.decodeIfPresent(Int.self, forKey: .failed) ?? 0
    }
}

/// Billing usage of a task.
public struct TaskUsage: Codable, Sendable, Equatable {
    /// Billed audio duration in seconds (whole seconds in practice).
    public var duration: Double?

    /// Creates usage.
    public init(duration: Double? = nil) {
        self.duration = duration
    }
}

/// The state of a task or subtask; unknown strings are kept rather than failing the decode.
public enum TaskStatus: Codable, Sendable, Hashable {
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

    /// Decodes a status string.
    public init(from decoder: Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the wire value.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
