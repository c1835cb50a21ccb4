import JSON
/// The answer to `GET /api/v1/tasks`: a flat page of tasks (no `output` envelope).
public struct TaskListResponse: Codable, Sendable, Equatable {
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

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case data
        case total
        case totalPage = "total_page"
        case pageNo = "page_no"
        case pageSize = "page_size"
    }

    /// Decodes a list response, treating a missing `data` as empty.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestID = try container.decodeIfPresent(String.self, forKey: .requestID)
        data = try container.decodeIfPresent([TaskListItem].self, forKey: .data) ?? []
        total = try container.decodeIfPresent(Int.self, forKey: .total)
        totalPage = try container.decodeIfPresent(Int.self, forKey: .totalPage)
        pageNo = try container.decodeIfPresent(Int.self, forKey: .pageNo)
        pageSize = try container.decodeIfPresent(Int.self, forKey: .pageSize)
    }
}

/// One task of a list page; ids may arrive as strings or numbers and are kept as strings.
public struct TaskListItem: Codable, Sendable, Equatable {
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

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case status
        case modelName = "model_name"
        case gmtCreate = "gmt_create"
        case startTime = "start_time"
        case endTime = "end_time"
        case region
        case requestID = "request_id"
        case apiKeyID = "api_key_id"
        case callerParentID = "caller_parent_id"
        case callerUID = "caller_uid"
        case userAPIUniqueKey = "user_api_unique_key"
    }

    /// Decodes an item, accepting ids as strings or numbers and times as numbers or numeric strings.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let taskID = try container.lossyString(.taskID) else {
            throw DecodingError.keyNotFound(
                CodingKeys.taskID, .init(codingPath: container.codingPath, debugDescription: "task_id is missing")
            )
        }
        self.taskID = taskID
        status = try container.decodeIfPresent(TaskStatus.self, forKey: .status)
        modelName = try container.decodeIfPresent(String.self, forKey: .modelName)
        gmtCreate = try container.lossyMilliseconds(.gmtCreate)
        startTime = try container.lossyMilliseconds(.startTime)
        endTime = try container.lossyMilliseconds(.endTime)
        region = try container.decodeIfPresent(String.self, forKey: .region)
        requestID = try container.lossyString(.requestID)
        apiKeyID = try container.lossyString(.apiKeyID)
        callerParentID = try container.lossyString(.callerParentID)
        callerUID = try container.lossyString(.callerUID)
        userAPIUniqueKey = try container.decodeIfPresent(String.self, forKey: .userAPIUniqueKey)
    }
}

extension KeyedDecodingContainer where Key == TaskListItem.CodingKeys {
    /// A string or a whole number rendered as a string; nil when missing or null.
    fileprivate func lossyString(_ key: Key) throws -> String? {
        guard let value = try decodeIfPresent(JSONValue.self, forKey: key) else { return nil }
        switch value {
        case .null: return nil
        case .string(let text): return text
        case .number: if let whole = value.intValue { return String(whole) }
        default: break
        }
        throw DecodingError.typeMismatch(
            String.self, .init(codingPath: codingPath + [key], debugDescription: "expected a string or an integer")
        )
    }

    /// Epoch milliseconds from a number or a numeric string; nil when missing or null.
    fileprivate func lossyMilliseconds(_ key: Key) throws -> Int64? {
        guard let value = try decodeIfPresent(JSONValue.self, forKey: key) else { return nil }
        switch value {
        case .null: return nil
        case .number: if let whole = value.intValue { return Int64(whole) }
        case .string(let text): if let whole = Int64(text) { return whole }
        default: break
        }
        throw DecodingError.typeMismatch(
            Int64.self, .init(codingPath: codingPath + [key], debugDescription: "expected epoch milliseconds")
        )
    }
}
