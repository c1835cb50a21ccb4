import JSON
/// The answer to `GET /api/v1/tasks`: a flat page of tasks (no `output` envelope).
public struct TaskListResponse: Sendable, Equatable {
    /// The id DashScope gave this query.
    public var requestID: String?
    /// The tasks of this page (empty when missing).
    public var data: [TaskListItem]
    /// Number of matching tasks over all pages.
    public var total: Int?
    /// Number of pages.
    public var totalPage: Int?
    /// This page's number, from 1.
    public var pageNo: Int?
    /// Tasks per page.
    public var pageSize: Int?

    /// Creates a list response.
    public init(
        requestID: String? = nil, data: [TaskListItem] = [], total: Int? = nil,
        totalPage: Int? = nil, pageNo: Int? = nil, pageSize: Int? = nil
    ) {
        self.requestID = requestID
        self.data = data
        self.total = total
        self.totalPage = totalPage
        self.pageNo = pageNo
        self.pageSize = pageSize
    }

    /// Reads a list answer; a missing `data` is empty, unknown members are ignored, `null` is absent.
    public init(json: JSONValue) throws(JSONShapeError) {
        let list = try JSONObjectReader(json, path: "")
        var data: [TaskListItem] = []
        for (index, element) in (try list.optionalArray("data") ?? []).enumerated() {
            data.append(try TaskListItem(json: element, path: "data[\(index)]"))
        }
        self.init(
            requestID: try list.optionalString("request_id"), data: data, total: try list.optionalInt("total"),
            totalPage: try list.optionalInt("total_page"), pageNo: try list.optionalInt("page_no"),
            pageSize: try list.optionalInt("page_size"))
    }
}

/// One task of a list page; ids may arrive as strings or numbers and are kept as strings.
public struct TaskListItem: Sendable, Equatable {
    /// The task id.
    public var taskID: String
    /// The task state.
    public var status: TaskStatus?
    /// The model the task ran.
    public var modelName: String?
    /// Creation time in epoch milliseconds.
    public var gmtCreate: Int64?
    /// Start time in epoch milliseconds.
    public var startTime: Int64?
    /// End time in epoch milliseconds, once finished.
    public var endTime: Int64?
    /// The region, e.g. `cn-beijing`.
    public var region: String?
    /// The id of the submit request.
    public var requestID: String?
    /// The API key's id.
    public var apiKeyID: String?
    /// The main account's id.
    public var callerParentID: String?
    /// The calling user's id.
    public var callerUID: String?
    /// The call's quota key, e.g. `apikey:v1:audio:asr:transcription:fun-asr`.
    public var userAPIUniqueKey: String?

    /// Creates a list item.
    public init(
        taskID: String, status: TaskStatus? = nil, modelName: String? = nil, gmtCreate: Int64? = nil,
        startTime: Int64? = nil, endTime: Int64? = nil, region: String? = nil, requestID: String? = nil,
        apiKeyID: String? = nil, callerParentID: String? = nil, callerUID: String? = nil,
        userAPIUniqueKey: String? = nil
    ) {
        self.taskID = taskID
        self.status = status
        self.modelName = modelName
        self.gmtCreate = gmtCreate
        self.startTime = startTime
        self.endTime = endTime
        self.region = region
        self.requestID = requestID
        self.apiKeyID = apiKeyID
        self.callerParentID = callerParentID
        self.callerUID = callerUID
        self.userAPIUniqueKey = userAPIUniqueKey
    }

    /// Reads one element of `data`; errors name paths from `task`.
    public init(json: JSONValue) throws(JSONShapeError) {
        try self.init(json: json, path: "task")
    }

    /// Reads an item at `path`: `task_id` is required; ids may be strings or whole numbers, times numbers or
    /// numeric strings.
    init(json: JSONValue, path: String) throws(JSONShapeError) {
        let item = try JSONObjectReader(json, path: path)
        guard let taskID = try item.lossyString("task_id") else { throw JSONShapeError(path: "\(path).task_id") }
        self.init(
            taskID: taskID, status: try item.optionalString("status").map(TaskStatus.init(rawValue:)),
            modelName: try item.optionalString("model_name"), gmtCreate: try item.lossyMilliseconds("gmt_create"),
            startTime: try item.lossyMilliseconds("start_time"), endTime: try item.lossyMilliseconds("end_time"),
            region: try item.optionalString("region"), requestID: try item.lossyString("request_id"),
            apiKeyID: try item.lossyString("api_key_id"), callerParentID: try item.lossyString("caller_parent_id"),
            callerUID: try item.lossyString("caller_uid"),
            userAPIUniqueKey: try item.optionalString("user_api_unique_key"))
    }
}

extension JSONObjectReader {
    /// A string or a whole number rendered as a string; nil when missing or null.
    fileprivate func lossyString(_ key: String) throws(JSONShapeError) -> String? {
        guard let value = optional(key) else { return nil }
        if case .string(let text) = value { return text }
        if let whole = value.intValue { return String(whole) }
        throw JSONShapeError(path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// Epoch milliseconds from a whole number or a numeric string; nil when missing or null.
    fileprivate func lossyMilliseconds(_ key: String) throws(JSONShapeError) -> Int64? {
        guard let value = optional(key) else { return nil }
        if let whole = value.intValue { return Int64(whole) }
        if case .string(let text) = value, let whole = Int64(text) { return whole }
        throw JSONShapeError(path: path.isEmpty ? key : "\(path).\(key)")
    }
}
