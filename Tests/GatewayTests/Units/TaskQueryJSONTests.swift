import JSON
import DashScope
import Testing

/// `TaskQueryResponse(json:)`, the one reader of a task query (the local task routes poll and read every answer).
@Suite struct TaskQueryJSONTests {
    private static let requestID = "3c829d37-1751-4acf-8d3e-444837d96534"
    private static let taskID = "68ca5d10-7c49-4abe-9550-4763105f8316"
    private static let failure = (code: "InvalidFile.DownloadFailed", message: "The audio file cannot be downloaded.")

    @Test(arguments: [
        (DashScopeSamples.running, TaskQueryResponse(requestID: requestID, output: TaskOutput(
            taskID: taskID, taskStatus: .running,
            submitTime: "2025-09-25 01:37:36.380", scheduledTime: "2025-09-25 01:37:36.509"))),
        (DashScopeSamples.succeeded, TaskQueryResponse(requestID: requestID, output: TaskOutput(
            taskID: taskID, taskStatus: .succeeded, submitTime: "2025-09-25 01:37:36.380",
            scheduledTime: "2025-09-25 01:37:36.509", endTime: "2025-09-25 01:37:38.450",
            results: [SubtaskResult(
                fileURL: "http://…/dbd1f65f.wav?Expires=…",
                transcriptionURL: "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/prod/paraformer-v2/20250925/"
                    + "01%3A37/b0b273dc-6860-4b83-96f6-b179e267fe85-1.json?Expires=1758821858&OSSAccessKeyId=…&Signature=…",
                subtaskStatus: .succeeded)],
            taskMetrics: TaskMetrics(total: 1, succeeded: 1, failed: 0)), usage: TaskUsage(duration: 6))),
        (DashScopeSamples.failed, TaskQueryResponse(requestID: "…", output: TaskOutput(
            taskID: "ad567f6e-5b5b-4715-8ccb-21b4fba1ae46", taskStatus: .failed, submitTime: "2025-05-12 23:38:33.868",
            scheduledTime: "2025-05-12 23:38:33.890", endTime: "2025-05-12 23:38:35.417",
            results: [SubtaskResult(
                fileURL: "https://…/a.m4a", subtaskStatus: .failed, code: failure.code, message: failure.message)],
            taskMetrics: TaskMetrics(total: 1, succeeded: 0, failed: 1), code: failure.code, message: failure.message))),
        (DashScopeSamples.partial, TaskQueryResponse(requestID: "7d1c3f0e-0000-4000-8000-000000000001", output: TaskOutput(
            taskID: "9b2e1a77-0000-4000-8000-000000000002", taskStatus: .succeeded,
            submitTime: "2025-09-25 23:59:59.999", scheduledTime: "2025-09-26 00:00:00.100",
            endTime: "2025-09-26 00:00:05.000",
            results: [
                SubtaskResult(
                    fileURL: "https://example.com/a.wav",
                    transcriptionURL: "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/a.json",
                    subtaskStatus: .succeeded),
                SubtaskResult(
                    fileURL: "https://example.com/b.wav", subtaskStatus: .failed,
                    code: failure.code, message: failure.message),
            ],
            taskMetrics: TaskMetrics(total: 2, succeeded: 1, failed: 1)), usage: TaskUsage(duration: 6))),
        (DashScopeSamples.unknown, TaskQueryResponse(
            requestID: "…", output: TaskOutput(taskID: "no-such-task", taskStatus: .unknown))),
        (DashScopeSamples.submitResponse, TaskQueryResponse(
            requestID: "548e2a04-0a9f-485a-a513-54b07bb8604c", output: TaskOutput(taskID: taskID, taskStatus: .pending))),
        // Unknown members ignored, `null` read as absent, an unknown status kept verbatim.
        (#"{"output":{"task_id":"t","task_status":"PAUSED","extra":1,"results":null,"code":null},"more":[],"usage":null}"#,
         TaskQueryResponse(output: TaskOutput(taskID: "t", taskStatus: .unrecognized("PAUSED")))),
        // Missing metric counts read as 0; a fractional duration is kept.
        (#"{"output":{"task_id":"t","task_status":"SUCCEEDED","task_metrics":{"TOTAL":2}},"usage":{"duration":1.5}}"#,
         TaskQueryResponse(
            output: TaskOutput(taskID: "t", taskStatus: .succeeded, taskMetrics: TaskMetrics(total: 2, succeeded: 0, failed: 0)),
            usage: TaskUsage(duration: 1.5))),
        // Empty objects: a result with nothing known, usage without a duration.
        (#"{"output":{"task_id":"t","task_status":"RUNNING","results":[{}],"task_metrics":null},"usage":{}}"#,
         TaskQueryResponse(
            output: TaskOutput(taskID: "t", taskStatus: .running, results: [SubtaskResult()]), usage: TaskUsage())),
    ])
    func readsTheSamples(json: String, expected: TaskQueryResponse) throws {
        #expect(try DashScopeSamples.read(TaskQueryResponse.self, json) == expected)
    }

    @Test(arguments: [
        (#"{"output":{"task_id":7,"task_status":"RUNNING"}}"#, "output.task_id"),
        (#"{"output":{"task_status":"RUNNING"}}"#, "output.task_id"),
        (#"{"output":{"task_id":"t","task_status":null}}"#, "output.task_status"),
        (#"{"request_id":"r"}"#, "output"),
        (#"{"output":[]}"#, "output"),
        (#"[]"#, "(root)"),
        (#"{"request_id":5,"output":{"task_id":"t","task_status":"RUNNING"}}"#, "request_id"),
        (#"{"output":{"task_id":"t","task_status":"RUNNING","results":{}}}"#, "output.results"),
        (#"{"output":{"task_id":"t","task_status":"RUNNING","results":[null]}}"#, "output.results[0]"),
        (#"{"output":{"task_id":"t","task_status":"RUNNING","results":[{"file_url":1}]}}"#, "output.results[0].file_url"),
        (#"{"output":{"task_id":"t","task_status":"RUNNING","results":[{},{"subtask_status":true}]}}"#,
         "output.results[1].subtask_status"),
        (#"{"output":{"task_id":"t","task_status":"RUNNING","task_metrics":{"TOTAL":1.5}}}"#, "output.task_metrics.TOTAL"),
        (#"{"output":{"task_id":"t","task_status":"RUNNING","task_metrics":{"FAILED":"1"}}}"#, "output.task_metrics.FAILED"),
        (#"{"output":{"task_id":"t","task_status":"RUNNING"},"usage":{"duration":"6"}}"#, "usage.duration"),
    ])
    func aMissingOrMistypedMemberIsAnErrorNamingItsPath(json: String, path: String) throws {
        #expect(throws: JSONShapeError(path: path)) { try DashScopeSamples.read(TaskQueryResponse.self, json) }
    }
}

/// `TaskListResponse(json:)`: a flat page whose items take ids as strings or numbers and times as numbers or
/// numeric strings.
@Suite struct TaskListJSONTests {
    @Test func readsTheListSample() throws {
        #expect(try DashScopeSamples.read(TaskListResponse.self, DashScopeSamples.list) == TaskListResponse(
            requestID: "f6756b7e-d0bb-9b74-813a-xxxxxx",
            data: [TaskListItem(
                taskID: "3c777dbc-8cc6-4d80-aa90-xxxxxx", status: .succeeded, modelName: "fun-asr",
                gmtCreate: 1_745_568_293_253, startTime: 1_745_568_293_273, endTime: 1_745_568_302_481,
                region: "cn-beijing", requestID: "f6bf34d9-bf87-9e8b-9ed4-xxxxxx", apiKeyID: "15xxxx",
                callerParentID: "xxxxxxxxx", callerUID: "xxxxxxxxx",
                userAPIUniqueKey: "apikey:v1:audio:asr:transcription:fun-asr")],
            total: 1, totalPage: 1, pageNo: 1, pageSize: 10))
    }

    @Test(arguments: [
        (#"{}"#, TaskListResponse()),
        (#"{"data":null,"total":null,"request_id":null,"next":"x"}"#, TaskListResponse()),
        (#"{"data":[],"total":0,"total_page":0,"page_no":2,"page_size":20}"#,
         TaskListResponse(total: 0, totalPage: 0, pageNo: 2, pageSize: 20)),
        // Ids as whole numbers become strings; times as numeric strings become numbers; null is absent.
        (#"{"data":[{"task_id":7,"request_id":8,"api_key_id":15,"caller_parent_id":16,"caller_uid":17,"#
            + #""gmt_create":"1745568293253","start_time":"-1","end_time":null,"model_name":null,"new":true}]}"#,
         TaskListResponse(data: [TaskListItem(
            taskID: "7", gmtCreate: 1_745_568_293_253, startTime: -1, requestID: "8", apiKeyID: "15",
            callerParentID: "16", callerUID: "17")])),
        (#"{"data":[{"task_id":"a","status":"LATER","start_time":1745568293273.0}]}"#,
         TaskListResponse(data: [TaskListItem(taskID: "a", status: .unrecognized("LATER"), startTime: 1_745_568_293_273)])),
    ])
    func readsLenientItemsAndDefaults(json: String, expected: TaskListResponse) throws {
        #expect(try DashScopeSamples.read(TaskListResponse.self, json) == expected)
    }

    @Test(arguments: [
        (#"[]"#, "(root)"),
        (#"{"data":{}}"#, "data"),
        (#"{"data":[1]}"#, "data[0]"),
        (#"{"data":[{}]}"#, "data[0].task_id"),
        (#"{"data":[{"task_id":"a"},{"task_id":null}]}"#, "data[1].task_id"),
        (#"{"data":[{"task_id":7.5}]}"#, "data[0].task_id"),
        (#"{"data":[{"task_id":true}]}"#, "data[0].task_id"),
        (#"{"data":[{"task_id":"a","caller_uid":[]}]}"#, "data[0].caller_uid"),
        (#"{"data":[{"task_id":"a","gmt_create":"soon"}]}"#, "data[0].gmt_create"),
        (#"{"data":[{"task_id":"a","start_time":""}]}"#, "data[0].start_time"),
        (#"{"data":[{"task_id":"a","end_time":1.5}]}"#, "data[0].end_time"),
        (#"{"data":[{"task_id":"a","end_time":"1.5"}]}"#, "data[0].end_time"),
        (#"{"data":[{"task_id":"a","status":1}]}"#, "data[0].status"),
        (#"{"data":[{"task_id":"a","model_name":1}]}"#, "data[0].model_name"),
        (#"{"data":[{"task_id":"a","region":1}]}"#, "data[0].region"),
        (#"{"data":[{"task_id":"a","user_api_unique_key":1}]}"#, "data[0].user_api_unique_key"),
        // The page's own request id and counts are not lenient.
        (#"{"request_id":5}"#, "request_id"),
        (#"{"total":"1"}"#, "total"),
        (#"{"page_size":1.5}"#, "page_size"),
    ])
    func aMissingOrMistypedMemberIsAnErrorNamingItsPath(json: String, path: String) throws {
        #expect(throws: JSONShapeError(path: path)) { try DashScopeSamples.read(TaskListResponse.self, json) }
    }

    @Test func anItemReadAloneNamesItsPathsFromTask() throws {
        #expect(try DashScopeSamples.read(TaskListItem.self, #"{"task_id":1}"#) == TaskListItem(taskID: "1"))
        #expect(throws: JSONShapeError(path: "task.task_id")) { try DashScopeSamples.read(TaskListItem.self, "{}") }
    }
}
