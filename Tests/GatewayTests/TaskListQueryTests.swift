import DashScope
import Gateway
import JSON
import Testing

@Suite struct TaskListQueryTests {
    private func items(_ query: [(name: String, value: String)]) throws -> [String] {
        try TaskListQuery(query: query).upstreamQueryItems.map { "\($0.name)=\($0.value)" }
    }

    @Test("no arguments: only the default paging goes upstream")
    func defaults() throws {
        #expect(try items([]) == ["page_no=1", "page_size=10"])
    }

    @Test("every argument maps to its upstream name, in a fixed order")
    func fullMapping() throws {
        let query: [(name: String, value: String)] = [
            ("page_size", "100"), ("page", "3"), ("end_time", "20250925120000"), ("start_time", "20250925010000"),
            ("model", "fun-asr"), ("status", "succeeded"),
        ]
        #expect(try items(query) == [
            "status=SUCCEEDED", "model_name=fun-asr", "start_time=20250925010000", "end_time=20250925120000",
            "page_no=3", "page_size=100",
        ])
    }

    @Test("times: ISO 8601 with a zone is converted to Beijing YYYYMMDDhhmmss", arguments: [
        ("2025-09-24T17:37:36Z", "20250925013736"),
        ("2025-09-24T17:37:36.999Z", "20250925013736"),
        ("2025-09-25T01:37:36+08:00", "20250925013736"),
        ("2025-09-25T01:37:36+0800", "20250925013736"),
        ("2025-09-24T12:37:36-05:00", "20250925013736"),
        ("2025-12-31T20:00:00Z", "20260101040000"),
        ("20250925013736", "20250925013736"),
    ])
    func times(local: String, upstream: String) throws {
        #expect(try TaskListQuery(query: [("start_time", local)]).startTime == upstream)
        #expect(try TaskListQuery(query: [("end_time", local)]).endTime == upstream)
    }

    @Test("every validation rule and its message", arguments: [
        ([("state", "RUNNING")],
         "unknown query parameter 'state'; allowed are status, model, start_time, end_time, page, page_size", "state"),
        ([("page", "1"), ("page", "2")], "query parameter 'page' is given more than once", "page"),
        ([("status", "DONE")], "status must be one of PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, UNKNOWN", "status"),
        ([("status", "")], "status must be one of PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED, UNKNOWN", "status"),
        ([("model", "")], "model must be a non-empty model name", "model"),
        ([("model", "fun asr")], "model must be a non-empty model name", "model"),
        ([("page", "0")], "page must be a positive integer", "page"),
        ([("page", "-1")], "page must be a positive integer", "page"),
        ([("page", "+2")], "page must be a positive integer", "page"),
        ([("page", "")], "page must be a positive integer", "page"),
        ([("page", "99999999999999999999999")], "page must be a positive integer", "page"),
        ([("page_size", "0")], "page_size must be an integer from 1 to 100", "page_size"),
        ([("page_size", "101")], "page_size must be an integer from 1 to 100", "page_size"),
        ([("page_size", "ten")], "page_size must be an integer from 1 to 100", "page_size"),
        ([("start_time", "2025-09-25T01:37:36")], Self.timeMessage("start_time"), "start_time"),
        ([("start_time", "2025-09-25")], Self.timeMessage("start_time"), "start_time"),
        ([("start_time", "20250230000000")], Self.timeMessage("start_time"), "start_time"),
        ([("end_time", "2025092501373")], Self.timeMessage("end_time"), "end_time"),
        ([("end_time", "2025-13-01T00:00:00Z")], Self.timeMessage("end_time"), "end_time"),
        ([("end_time", "2025-09-25T24:00:00Z")], Self.timeMessage("end_time"), "end_time"),
        ([("start_time", "20250925120000"), ("end_time", "20250925110000")],
         "end_time must not be before start_time", "end_time"),
        ([("start_time", "20250925000000"), ("end_time", "20250926000001")],
         "start_time and end_time must be at most 24 hours apart", "end_time"),
    ] as [([(name: String, value: String)], String, String?)])
    func validation(query: [(name: String, value: String)], message: String, field: String?) {
        #expect(throws: RequestValidationError(message, field: field)) { try TaskListQuery(query: query) }
    }

    @Test("a window of exactly 24 hours is accepted")
    func fullDay() throws {
        let query = try TaskListQuery(query: [("start_time", "2025-09-24T16:00:00Z"), ("end_time", "20250926000000")])
        #expect(query.startTime == "20250925000000" && query.endTime == "20250926000000")
    }

    private static func timeMessage(_ field: String) -> String {
        "\(field) must be ISO 8601 with a zone (e.g. 2025-09-25T01:37:36Z) or YYYYMMDDhhmmss in Beijing time"
    }

    @Test("decodes the §4/§11 list response")
    func decodeList() throws {
        let list = try DashScopeSamples.read(TaskListResponse.self, DashScopeSamples.list)
        #expect(list.total == 1 && list.totalPage == 1 && list.pageNo == 1 && list.pageSize == 10)
        #expect(list.requestID == "f6756b7e-d0bb-9b74-813a-xxxxxx")
        #expect(list.data == [TaskListItem(
            taskID: "3c777dbc-8cc6-4d80-aa90-xxxxxx", status: .succeeded, modelName: "fun-asr",
            gmtCreate: 1_745_568_293_253, startTime: 1_745_568_293_273, endTime: 1_745_568_302_481, region: "cn-beijing",
            requestID: "f6bf34d9-bf87-9e8b-9ed4-xxxxxx", apiKeyID: "15xxxx", callerParentID: "xxxxxxxxx",
            callerUID: "xxxxxxxxx", userAPIUniqueKey: "apikey:v1:audio:asr:transcription:fun-asr"
        )])
    }

    @Test("list items tolerate numeric ids, string times, nulls and missing fields")
    func lenientItems() throws {
        let json = #"{"data":[{"task_id":"a","api_key_id":15,"gmt_create":"1745568293253","end_time":null,"new":true}]}"#
        let list = try DashScopeSamples.read(TaskListResponse.self, json)
        #expect(list.data == [TaskListItem(taskID: "a", gmtCreate: 1_745_568_293_253, apiKeyID: "15")])
        #expect(list.total == nil && list.requestID == nil)
        #expect(try DashScopeSamples.read(TaskListResponse.self, "{}").data.isEmpty)
        #expect(throws: JSONShapeError(path: "data[0].task_id")) {
            try DashScopeSamples.read(TaskListResponse.self, #"{"data":[{}]}"#)
        }
    }

    @Test("the list view: epoch milliseconds become ISO 8601 UTC")
    func listView() throws {
        let list = try DashScopeSamples.read(TaskListResponse.self, DashScopeSamples.list)
        #expect(DashScopeSamples.text(TaskListQuery.render(list)) == #"{"page":1,"page_size":10,"#
            + #""request_id":"f6756b7e-d0bb-9b74-813a-xxxxxx","tasks":[{"ended_at":"2025-04-25T08:05:02.481Z","#
            + #""model":"fun-asr","status":"SUCCEEDED","submitted_at":"2025-04-25T08:04:53.253Z","#
            + #""task_id":"3c777dbc-8cc6-4d80-aa90-xxxxxx"}],"total":1,"total_pages":1}"#)
    }

    @Test("an unfinished task has no ended_at; submitted_at falls back to start_time")
    func sparseListView() {
        let list = TaskListResponse(data: [TaskListItem(taskID: "t", status: .running, startTime: 0)])
        #expect(DashScopeSamples.text(TaskListQuery.render(list))
            == #"{"tasks":[{"status":"RUNNING","submitted_at":"1970-01-01T00:00:00.000Z","task_id":"t"}]}"#)
    }
}
