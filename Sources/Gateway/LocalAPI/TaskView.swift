import JSON
import DashScope

// Shape: {"task_id", "status", "submitted_at"?, "scheduled_at"?, "ended_at"?, "results_expire_at"?, "files": [...],
// "metrics"?, "usage"?, "code"?, "message"?, "partial"?, "request_id"?}. Absent values are omitted, never null.
// Statuses keep DashScope's upper-case words. Times become ISO 8601 at +08:00; a time that does not parse is passed
// through verbatim rather than lost. `metrics` is derived from `results` when DashScope sends none, and omitted
// when there is neither. `partial` is written only when true.

/// Renders a DashScope task query as the gateway's task JSON.
public enum TaskView {
    /// How long DashScope keeps a finished task's results (24 h).
    public static let resultRetentionMilliseconds: Int64 = 24 * 3600 * 1000

    /// The local task JSON for a query response.
    public static func render(_ response: TaskQueryResponse) -> JSONValue {
        let output = response.output
        let results = output.results ?? []
        var task: [String: JSONValue] = [
            "task_id": .string(output.taskID),
            "status": .string(output.taskStatus.rawValue),
            "files": .array(results.enumerated().map { file(index: $0.offset, result: $0.element) }),
        ]
        task["submitted_at"] = output.submitTime.map { .string(isoTime(fromDashScope: $0)) }
        task["scheduled_at"] = output.scheduledTime.map { .string(isoTime(fromDashScope: $0)) }
        task["ended_at"] = output.endTime.map { .string(isoTime(fromDashScope: $0)) }
        if output.taskStatus == .succeeded, let expiry = resultsExpireAt(output) {
            task["results_expire_at"] = .string(expiry)
        }
        if let metrics = output.taskMetrics ?? derivedMetrics(results) {
            task["metrics"] = .object([
                "total": .number(Double(metrics.total)),
                "succeeded": .number(Double(metrics.succeeded)),
                "failed": .number(Double(metrics.failed)),
            ])
        }
        if let duration = response.usage?.duration {
            task["usage"] = .object(["duration_seconds": .number(duration)])
        }
        task["code"] = output.code.map(JSONValue.string)
        task["message"] = output.message.map(JSONValue.string)
        task["request_id"] = response.requestID.map(JSONValue.string)
        if isPartial(output) { task["partial"] = .bool(true) }
        return .object(task)
    }

    /// Whether the task "succeeded" although some of its files failed.
    public static func isPartial(_ output: TaskOutput) -> Bool {
        guard output.taskStatus == .succeeded else { return false }
        let failedFile = (output.results ?? []).contains { $0.subtaskStatus == .failed }
        return failedFile || (output.taskMetrics?.failed ?? 0) > 0
    }

    /// `2025-09-25 01:37:36.380` (Beijing) → `2025-09-25T01:37:36.380+08:00`; unparseable text comes back unchanged.
    public static func isoTime(fromDashScope text: String) -> String {
        guard let instant = CivilTime.parse(text, defaultOffsetSeconds: CivilTime.beijingOffsetSeconds) else {
            return text
        }
        return CivilTime.iso8601(epochMilliseconds: instant, offsetSeconds: CivilTime.beijingOffsetSeconds)
    }

    private static func resultsExpireAt(_ output: TaskOutput) -> String? {
        guard let end = output.endTime,
              let instant = CivilTime.parse(end, defaultOffsetSeconds: CivilTime.beijingOffsetSeconds)
        else { return nil }
        return CivilTime.iso8601(
            epochMilliseconds: instant + resultRetentionMilliseconds, offsetSeconds: CivilTime.beijingOffsetSeconds
        )
    }

    private static func file(index: Int, result: SubtaskResult) -> JSONValue {
        var file: [String: JSONValue] = [
            "index": .number(Double(index)),
            "status": .string(result.subtaskStatus?.rawValue ?? TaskStatus.unknown.rawValue),
        ]
        file["file_url"] = result.fileURL.map(JSONValue.string)
        file["transcription_url"] = result.transcriptionURL.map(JSONValue.string)
        file["code"] = result.code.map(JSONValue.string)
        file["message"] = result.message.map(JSONValue.string)
        return .object(file)
    }

    private static func derivedMetrics(_ results: [SubtaskResult]) -> TaskMetrics? {
        guard !results.isEmpty else { return nil }
        return TaskMetrics(
            total: results.count,
            succeeded: results.count { $0.subtaskStatus == .succeeded },
            failed: results.count { $0.subtaskStatus == .failed }
        )
    }
}
