import DashScope
import Testing

/// `TaskQueryResponse(json:)` (the hot path of the local task routes) gives what the Codable decode gives.
@Suite struct TaskQueryJSONTests {
    @Test(arguments: [
        DashScopeSamples.running, DashScopeSamples.succeeded, DashScopeSamples.failed, DashScopeSamples.partial,
        DashScopeSamples.unknown, DashScopeSamples.submitResponse,
        #"{"output":{"task_id":"t","task_status":"PAUSED","extra":1,"results":null},"more":[],"usage":null}"#,
        #"{"output":{"task_id":"t","task_status":"SUCCEEDED","task_metrics":{"TOTAL":2}},"usage":{"duration":1.5}}"#,
    ])
    func readsWhatTheCodableDecodeReads(json: String) throws {
        let expected = try DashScopeSamples.decode(TaskQueryResponse.self, json)
        let value = try #require(JSONValue.parse(Array(json.utf8)))
        #expect(try TaskQueryResponse(json: value) == expected)
    }

    @Test(arguments: [
        (#"{"output":{"task_id":7,"task_status":"RUNNING"}}"#, "output.task_id"),
        (#"{"output":{"task_status":"RUNNING"}}"#, "output.task_id"),
        (#"{"request_id":"r"}"#, "output"),
        (#"[]"#, "(root)"),
        (#"{"output":{"task_id":"t","task_status":"RUNNING","results":[{"file_url":1}]}}"#, "output.results[0].file_url"),
        (#"{"output":{"task_id":"t","task_status":"RUNNING","task_metrics":{"TOTAL":1.5}}}"#, "output.task_metrics.TOTAL"),
    ])
    func aMemberOfTheWrongTypeIsAnErrorNamingItsPath(json: String, path: String) throws {
        let value = try #require(JSONValue.parse(Array(json.utf8)))
        #expect(throws: JSONShapeError(path: path)) { try TaskQueryResponse(json: value) }
    }
}
