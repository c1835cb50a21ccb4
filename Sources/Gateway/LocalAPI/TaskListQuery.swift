import JSON
import DashScope

// Unknown or repeated query parameters are refused, like unknown body fields. `status` is case-insensitive.
// Times: ISO 8601 needs an explicit zone (`Z` or `±hh:mm`); 14 digits are read as Beijing time; both go upstream
// as Beijing `YYYYMMDDhhmmss` (fractions dropped). DashScope's 24 h window limit is checked here.
// `page_no`/`page_size` are always sent (defaults 1 and 10), as the SDK does.

/// A validated local task-list query and its upstream form.
public struct TaskListQuery: Sendable, Equatable {
    /// Status filter, upper case.
    public var status: String?
    /// Model filter (`model_name` upstream).
    public var model: String?
    /// Window start, `YYYYMMDDhhmmss` in Beijing time.
    public var startTime: String?
    /// Window end, `YYYYMMDDhhmmss` in Beijing time.
    public var endTime: String?
    /// Page number, from 1.
    public var page: Int
    /// Tasks per page, 1–100.
    public var pageSize: Int

    /// The statuses DashScope can filter on.
    public static let statuses = ["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED", "UNKNOWN"]
    /// The query parameters the local list accepts.
    /// A `status` filter in DashScope's upper case, or nil when none was given; shared with the store's list.
    static func status(_ value: String?) throws(RequestValidationError) -> String? {
        guard let value else { return nil }
        guard statuses.contains(value.uppercased()) else {
            throw RequestValidationError("status must be one of \(statuses.joined(separator: ", "))", field: "status")
        }
        return value.uppercased()
    }

    /// A `model` filter (a non-empty name without spaces), or nil when none was given; shared with the store's list.
    static func model(_ value: String?) throws(RequestValidationError) -> String? {
        guard let value else { return nil }
        guard !value.isEmpty, !value.contains(where: \.isWhitespace) else {
            throw RequestValidationError("model must be a non-empty model name", field: "model")
        }
        return value
    }

    public static let allowedParameters = ["status", "model", "start_time", "end_time", "page", "page_size"]
    /// The widest window DashScope lists at once (24 h).
    public static let maxWindowMilliseconds: Int64 = 24 * 3600 * 1000

    /// Parses and validates local query arguments.
    public init(query: [(name: String, value: String)]) throws(RequestValidationError) {
        var values: [String: String] = [:]
        for (name, value) in query {
            guard Self.allowedParameters.contains(name) else {
                throw RequestValidationError(
                    "unknown query parameter '\(name)'; allowed are \(Self.allowedParameters.joined(separator: ", "))",
                    field: name
                )
            }
            guard values.updateValue(value, forKey: name) == nil else {
                throw RequestValidationError("query parameter '\(name)' is given more than once", field: name)
            }
        }
        status = try Self.status(values["status"])
        model = try Self.model(values["model"])
        var start: Int64?
        var end: Int64?
        if let value = values["start_time"] { start = try Self.instant(value, field: "start_time") }
        if let value = values["end_time"] { end = try Self.instant(value, field: "end_time") }
        if let start, let end {
            guard start <= end else {
                throw RequestValidationError("end_time must not be before start_time", field: "end_time")
            }
            guard end - start <= Self.maxWindowMilliseconds else {
                throw RequestValidationError("start_time and end_time must be at most 24 hours apart", field: "end_time")
            }
        }
        startTime = start.map { CivilTime.compact(epochMilliseconds: $0, offsetSeconds: CivilTime.beijingOffsetSeconds) }
        endTime = end.map { CivilTime.compact(epochMilliseconds: $0, offsetSeconds: CivilTime.beijingOffsetSeconds) }
        page = try Self.integer(values["page"], default: 1, range: 1...Int(Int32.max),
                                message: "page must be a positive integer", field: "page")
        pageSize = try Self.integer(values["page_size"], default: 10, range: 1...100,
                                    message: "page_size must be an integer from 1 to 100", field: "page_size")
    }

    /// The upstream query items in a fixed order: status, model_name, start_time, end_time, page_no, page_size.
    public var upstreamQueryItems: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let status { items.append(("status", status)) }
        if let model { items.append(("model_name", model)) }
        if let startTime { items.append(("start_time", startTime)) }
        if let endTime { items.append(("end_time", endTime)) }
        items.append(("page_no", String(page)))
        items.append(("page_size", String(pageSize)))
        return items
    }

    /// The local list JSON for an upstream page: tasks with ISO 8601 UTC times, and the paging numbers.
    public static func render(_ response: TaskListResponse) -> JSONValue {
        var page: [String: JSONValue] = [
            "tasks": .array(response.data.map { item in
                var task: [String: JSONValue] = ["task_id": .string(item.taskID)]
                task["status"] = item.status.map { .string($0.rawValue) }
                task["model"] = item.modelName.map(JSONValue.string)
                task["submitted_at"] = (item.gmtCreate ?? item.startTime).map(utc)
                task["ended_at"] = item.endTime.map(utc)
                return .object(task)
            }),
        ]
        page["page"] = response.pageNo.map { .number(Double($0)) }
        page["page_size"] = response.pageSize.map { .number(Double($0)) }
        page["total"] = response.total.map { .number(Double($0)) }
        page["total_pages"] = response.totalPage.map { .number(Double($0)) }
        page["request_id"] = response.requestID.map(JSONValue.string)
        return .object(page)
    }

    private static func utc(_ milliseconds: Int64) -> JSONValue {
        .string(CivilTime.iso8601(epochMilliseconds: milliseconds, offsetSeconds: 0))
    }

    private static func instant(_ text: String, field: String) throws(RequestValidationError) -> Int64 {
        if let value = CivilTime.parseCompact(text, offsetSeconds: CivilTime.beijingOffsetSeconds)
            ?? CivilTime.parse(text, defaultOffsetSeconds: nil)
        {
            return value
        }
        throw RequestValidationError(
            "\(field) must be ISO 8601 with a zone (e.g. 2025-09-25T01:37:36Z) or YYYYMMDDhhmmss in Beijing time",
            field: field
        )
    }

    private static func integer(
        _ text: String?, default fallback: Int, range: ClosedRange<Int>, message: String, field: String
    ) throws(RequestValidationError) -> Int {
        guard let text else { return fallback }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text), range.contains(value) else {
            throw RequestValidationError(message, field: field)
        }
        return value
    }
}
