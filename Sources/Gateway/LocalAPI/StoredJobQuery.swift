import DashScope
import JSON

/// A validated `GET /v1/transcriptions` query of the job store (the default source): `status`, `model`, `label`, `since` (ISO 8601 with a
/// zone), `page` (from 1) and `page_size` (1–100, default 10); unknown or repeated parameters are refused.
struct StoredJobQuery: Sendable {
    static let allowedParameters = ["source", "status", "model", "label", "since", "page", "page_size"]
    /// The window parameters only DashScope's list (`source=dashscope`) takes.
    static let dashScopeOnlyParameters = ["start_time", "end_time"]

    var filter = JobFilter()
    var page = 1
    var pageSize = 10

    init(query: [(name: String, value: String)]) throws(RequestValidationError) {
        var values: [String: String] = [:]
        for (name, value) in query {
            if Self.dashScopeOnlyParameters.contains(name) {
                throw RequestValidationError(
                    "\(name) filters DashScope's own list: add source=dashscope (the gateway's store filters by since)",
                    field: name)
            }
            guard Self.allowedParameters.contains(name) else {
                throw RequestValidationError(
                    "unknown query parameter '\(name)' for the gateway's job list; allowed are \(Self.allowedParameters.joined(separator: ", "))",
                    field: name)
            }
            guard values.updateValue(value, forKey: name) == nil else {
                throw RequestValidationError("query parameter '\(name)' is given more than once", field: name)
            }
        }
        filter.status = try TaskListQuery.status(values["status"])
        filter.model = try TaskListQuery.model(values["model"])
        filter.label = values["label"]
        if let since = values["since"] {
            guard let instant = CivilTime.parse(since, defaultOffsetSeconds: nil) else {
                throw RequestValidationError("since must be ISO 8601 with a zone, e.g. 2025-09-25T01:37:36Z", field: "since")
            }
            filter.since = instant
        }
        page = try Self.integer(values["page"], range: 1...1_000_000, default: 1, field: "page")
        pageSize = try Self.integer(values["page_size"], range: 1...100, default: 10, field: "page_size")
        filter.limit = pageSize
        filter.offset = (page - 1) * pageSize
    }

    /// One listed job: id, status, model, label, submitted and ended times (UTC).
    static func render(_ job: StoredJob) -> JSONValue {
        var task: [String: JSONValue] = [
            "task_id": .string(job.taskID), "status": .string(job.status), "model": .string(job.model),
            "submitted_at": .string(CivilTime.iso8601(epochMilliseconds: job.submittedAt, offsetSeconds: 0)),
            "results_kept": .bool(job.documentsKept),
        ]
        task["label"] = job.label.map(JSONValue.string)
        task["ended_at"] = job.endedAt.map { .string(CivilTime.iso8601(epochMilliseconds: $0, offsetSeconds: 0)) }
        return .object(task)
    }

    private static func integer(
        _ text: String?, range: ClosedRange<Int>, default fallback: Int, field: String
    ) throws(RequestValidationError) -> Int {
        guard let text else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw RequestValidationError("\(field) must be an integer from \(range.lowerBound) to \(range.upperBound)", field: field)
        }
        return value
    }
}
