import JSON

/// The answer to `GET /api/v1/tasks/{task_id}`: an async task's state and, once finished, its results.
public struct TaskQueryResponse: Sendable, Equatable {
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

    /// Reads a task query (or submit) answer: `output.task_id` and `output.task_status` are required, missing
    /// metric counts read as 0, unknown members are ignored, `null` is absent.
    public init(json: JSONValue) throws(JSONShapeError) {
        let root = try JSONObjectReader(json, path: "")
        let output = try root.object("output")
        var results: [SubtaskResult]?
        if let elements = try output.optionalArray("results") {
            var read: [SubtaskResult] = []
            for (index, element) in elements.enumerated() {
                let result = try JSONObjectReader(element, path: "output.results[\(index)]")
                read.append(SubtaskResult(
                    fileURL: try result.optionalString("file_url"),
                    transcriptionURL: try result.optionalString("transcription_url"),
                    subtaskStatus: try result.optionalString("subtask_status").map(TaskStatus.init(rawValue:)),
                    code: try result.optionalString("code"), message: try result.optionalString("message")))
            }
            results = read
        }
        var metrics: TaskMetrics?
        if let counts = try output.optionalObject("task_metrics") {
            metrics = TaskMetrics(
                total: try counts.optionalInt("TOTAL") ?? 0, succeeded: try counts.optionalInt("SUCCEEDED") ?? 0,
                failed: try counts.optionalInt("FAILED") ?? 0)
        }
        self.init(
            requestID: try root.optionalString("request_id"),
            output: TaskOutput(
                taskID: try output.string("task_id"),
                taskStatus: TaskStatus(rawValue: try output.string("task_status")),
                submitTime: try output.optionalString("submit_time"),
                scheduledTime: try output.optionalString("scheduled_time"),
                endTime: try output.optionalString("end_time"),
                results: results, taskMetrics: metrics,
                code: try output.optionalString("code"), message: try output.optionalString("message")),
            usage: try root.optionalObject("usage").map { usage throws(JSONShapeError) in
                TaskUsage(duration: try usage.optionalDouble("duration"))
            })
    }
}

/// The `output` of a task query (also the `output` of a submit response, which holds only id and status).
public struct TaskOutput: Sendable, Equatable {
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
}

/// The outcome for one file of a task.
public struct SubtaskResult: Sendable, Equatable {
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
}

/// File counts of a task (`task_metrics`); a missing count reads as 0.
public struct TaskMetrics: Sendable, Equatable {
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
}

/// Billing usage of a task.
public struct TaskUsage: Sendable, Equatable {
    /// Billed audio duration in seconds (whole seconds in practice).
    public var duration: Double?

    /// Creates usage.
    public init(duration: Double? = nil) {
        self.duration = duration
    }
}
