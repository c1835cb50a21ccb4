// `TaskQueryResponse` read straight from a parsed `JSONValue`. The local task routes poll DashScope and decode
// every answer; through JSONDecoder that decode was ~12 % of a local `GET /v1/transcriptions/{id}` in the
// profile. Same rules as the Codable path: unknown members ignored, `null` is absent, a member of the wrong type
// is an error, and missing metric counts are 0.

/// A JSON member of an unexpected type (or a missing required one) while reading a DashScope answer.
public struct JSONShapeError: Error, Equatable, CustomStringConvertible {
    /// The member's path, e.g. `output.task_status`.
    public var path: String
    /// Always names the path, never the value.
    public var description: String { "unexpected or missing JSON member \(path)" }

    /// An error at `path`.
    public init(path: String) {
        self.path = path
    }
}

/// Typed access to the members of one JSON object, with error paths.
struct JSONObjectReader {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws(JSONShapeError) {
        guard case .object(let members) = value else { throw JSONShapeError(path: path.isEmpty ? "(root)" : path) }
        self.members = members
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The member, or nil when it is absent or `null`.
    func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(JSONShapeError) -> String {
        guard let value = try optionalString(key) else { throw JSONShapeError(path: name(key)) }
        return value
    }

    func optionalString(_ key: String) throws(JSONShapeError) -> String? {
        guard let value = optional(key) else { return nil }
        guard case .string(let text) = value else { throw JSONShapeError(path: name(key)) }
        return text
    }

    func optionalInt(_ key: String) throws(JSONShapeError) -> Int? {
        guard let value = optional(key) else { return nil }
        guard let number = value.intValue else { throw JSONShapeError(path: name(key)) }
        return number
    }

    func optionalDouble(_ key: String) throws(JSONShapeError) -> Double? {
        guard let value = optional(key) else { return nil }
        guard case .number(let number) = value else { throw JSONShapeError(path: name(key)) }
        return number
    }

    func object(_ key: String) throws(JSONShapeError) -> JSONObjectReader {
        guard let value = optional(key) else { throw JSONShapeError(path: name(key)) }
        return try JSONObjectReader(value, path: name(key))
    }

    func optionalObject(_ key: String) throws(JSONShapeError) -> JSONObjectReader? {
        guard let value = optional(key) else { return nil }
        return try JSONObjectReader(value, path: name(key))
    }

    func optionalArray(_ key: String) throws(JSONShapeError) -> [JSONValue]? {
        guard let value = optional(key) else { return nil }
        guard case .array(let elements) = value else { throw JSONShapeError(path: name(key)) }
        return elements
    }
}

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
