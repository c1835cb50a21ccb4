import JSON
// A task query answer read from parsed JSON (the local task routes poll and decode every answer); the rules are
// those of the Codable conformance, with missing metric counts read as 0.

extension TaskQueryResponse {
    /// Reads a task query (or submit) answer.
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
