import DashScope
import JSON

/// A task-query answer written back as DashScope's JSON (what `TaskQueryResponse(json:)` reads), so the store keeps
/// the last upstream view in DashScope's own shape.
extension TaskQueryResponse {
    /// DashScope's JSON for this answer.
    public var dashScopeJSON: JSONValue {
        var output: [String: JSONValue] = [
            "task_id": .string(self.output.taskID), "task_status": .string(self.output.taskStatus.rawValue),
        ]
        output["submit_time"] = self.output.submitTime.map(JSONValue.string)
        output["scheduled_time"] = self.output.scheduledTime.map(JSONValue.string)
        output["end_time"] = self.output.endTime.map(JSONValue.string)
        output["code"] = self.output.code.map(JSONValue.string)
        output["message"] = self.output.message.map(JSONValue.string)
        if let results = self.output.results {
            output["results"] = .array(results.map { result in
                var file: [String: JSONValue] = [:]
                file["file_url"] = result.fileURL.map(JSONValue.string)
                file["transcription_url"] = result.transcriptionURL.map(JSONValue.string)
                file["subtask_status"] = result.subtaskStatus.map { .string($0.rawValue) }
                file["code"] = result.code.map(JSONValue.string)
                file["message"] = result.message.map(JSONValue.string)
                return .object(file)
            })
        }
        if let metrics = self.output.taskMetrics {
            output["task_metrics"] = .object([
                "TOTAL": .number(Double(metrics.total)), "SUCCEEDED": .number(Double(metrics.succeeded)),
                "FAILED": .number(Double(metrics.failed)),
            ])
        }
        var root: [String: JSONValue] = ["output": .object(output)]
        root["request_id"] = requestID.map(JSONValue.string)
        if let usage { root["usage"] = .object(usage.duration.map { ["duration": .number($0)] } ?? [:]) }
        return .object(root)
    }
}
