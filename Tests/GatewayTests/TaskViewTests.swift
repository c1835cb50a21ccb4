import DashScope
import Gateway
import Testing

@Suite struct TaskViewTests {
    private func view(_ json: String) throws -> String {
        DashScopeSamples.text(TaskView.render(try DashScopeSamples.read(TaskQueryResponse.self, json)))
    }

    @Test("decodes the §11 SUCCEEDED query")
    func decodeSucceeded() throws {
        let response = try DashScopeSamples.read(TaskQueryResponse.self, DashScopeSamples.succeeded)
        #expect(response.requestID == "3c829d37-1751-4acf-8d3e-444837d96534")
        #expect(response.output.taskID == "68ca5d10-7c49-4abe-9550-4763105f8316")
        #expect(response.output.taskStatus == .succeeded)
        #expect(response.output.endTime == "2025-09-25 01:37:38.450")
        #expect(response.output.results?.first?.subtaskStatus == .succeeded)
        #expect(response.output.results?.first?.transcriptionURL?.hasPrefix("https://dashscope-result-bj") == true)
        #expect(response.output.taskMetrics == TaskMetrics(total: 1, succeeded: 1, failed: 0))
        #expect(response.usage?.duration == 6)
    }

    @Test("decodes the §11 FAILED query")
    func decodeFailed() throws {
        let output = try DashScopeSamples.read(TaskQueryResponse.self, DashScopeSamples.failed).output
        #expect(output.taskStatus == .failed)
        #expect(output.code == "InvalidFile.DownloadFailed")
        #expect(output.results == [SubtaskResult(
            fileURL: "https://…/a.m4a", subtaskStatus: .failed, code: "InvalidFile.DownloadFailed",
            message: "The audio file cannot be downloaded."
        )])
    }

    @Test("decodes UNKNOWN, a submit response and unrecognized statuses")
    func decodeSparse() throws {
        let unknown = try DashScopeSamples.read(TaskQueryResponse.self, DashScopeSamples.unknown)
        #expect(unknown.output == TaskOutput(taskID: "no-such-task", taskStatus: .unknown))
        #expect(unknown.usage == nil)
        let submit = try DashScopeSamples.read(TaskQueryResponse.self, DashScopeSamples.submitResponse)
        #expect(submit.output.taskStatus == .pending)
        let odd = try DashScopeSamples.read(
            TaskQueryResponse.self, #"{"output":{"task_id":"t","task_status":"PAUSED","extra":1},"more":[]}"#
        )
        #expect(odd.output.taskStatus == .unrecognized("PAUSED"))
        #expect(odd.output.taskStatus.rawValue == "PAUSED")
    }

    @Test("terminal statuses", arguments: [
        ("PENDING", false), ("RUNNING", false), ("SUCCEEDED", true), ("FAILED", true), ("CANCELED", true),
        ("UNKNOWN", true), ("SUSPENDED", false), ("LATER", false),
    ])
    func terminal(raw: String, terminal: Bool) {
        #expect(TaskStatus(rawValue: raw).isTerminal == terminal)
        #expect(TaskStatus(rawValue: raw).rawValue == raw)
    }

    @Test("SUCCEEDED view: +08:00 times, 24 h expiry, files, metrics, usage")
    func succeededView() throws {
        let expected = #"{"ended_at":"2025-09-25T01:37:38.450+08:00","files":[{"file_url":"http://…/dbd1f65f.wav?Expires=…","#
            + #""index":0,"status":"SUCCEEDED","transcription_url":"https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com"#
            + #"/prod/paraformer-v2/20250925/01%3A37/b0b273dc-6860-4b83-96f6-b179e267fe85-1.json?Expires=1758821858"#
            + #"&OSSAccessKeyId=…&Signature=…"}],"metrics":{"failed":0,"succeeded":1,"total":1},"#
            + #""request_id":"3c829d37-1751-4acf-8d3e-444837d96534","results_expire_at":"2025-09-26T01:37:38.450+08:00","#
            + #""scheduled_at":"2025-09-25T01:37:36.509+08:00","status":"SUCCEEDED","#
            + #""submitted_at":"2025-09-25T01:37:36.380+08:00","task_id":"68ca5d10-7c49-4abe-9550-4763105f8316","#
            + #""usage":{"duration_seconds":6}}"#
        #expect(try view(DashScopeSamples.succeeded) == expected)
    }

    @Test("the expiry matches the Expires of the real capture's transcription_url")
    func expiryMatchesCapture() throws {
        // Expires=1758821858 is 2025-09-25T17:37:38Z, i.e. 2025-09-26T01:37:38+08:00.
        let task = TaskView.render(try DashScopeSamples.read(TaskQueryResponse.self, DashScopeSamples.succeeded))
        #expect(task["results_expire_at"]?.stringValue?.hasPrefix("2025-09-26T01:37:38") == true)
    }

    @Test("FAILED view: code and message, no expiry, no usage, not partial")
    func failedView() throws {
        let expected = #"{"code":"InvalidFile.DownloadFailed","ended_at":"2025-05-12T23:38:35.417+08:00","#
            + #""files":[{"code":"InvalidFile.DownloadFailed","file_url":"https://…/a.m4a","index":0,"#
            + #""message":"The audio file cannot be downloaded.","status":"FAILED"}],"#
            + #""message":"The audio file cannot be downloaded.","metrics":{"failed":1,"succeeded":0,"total":1},"#
            + #""request_id":"…","scheduled_at":"2025-05-12T23:38:33.890+08:00","status":"FAILED","#
            + #""submitted_at":"2025-05-12T23:38:33.868+08:00","task_id":"ad567f6e-5b5b-4715-8ccb-21b4fba1ae46"}"#
        #expect(try view(DashScopeSamples.failed) == expected)
    }

    @Test("partial success is flagged, and the expiry crosses midnight")
    func partialView() throws {
        let response = try DashScopeSamples.read(TaskQueryResponse.self, DashScopeSamples.partial)
        let task = TaskView.render(response)
        #expect(task["partial"] == .bool(true))
        #expect(TaskView.isPartial(response.output))
        #expect(task["submitted_at"] == .string("2025-09-25T23:59:59.999+08:00"))
        #expect(task["results_expire_at"] == .string("2025-09-27T00:00:05.000+08:00"))
        let files = task["files"]?.arrayValue ?? []
        #expect(files.count == 2)
        #expect(files.map { $0["index"] } == [.number(0), .number(1)])
        #expect(files.map { $0["status"] } == [.string("SUCCEEDED"), .string("FAILED")])
        #expect(files[0]["code"] == nil && files[1]["transcription_url"] == nil)
        #expect(files[1]["code"] == .string("InvalidFile.DownloadFailed"))
        #expect(task["metrics"] == .object(["total": .number(2), "succeeded": .number(1), "failed": .number(1)]))
    }

    @Test("UNKNOWN view: only what is known, no nulls")
    func unknownView() throws {
        #expect(try view(DashScopeSamples.unknown)
            == #"{"files":[],"request_id":"…","status":"UNKNOWN","task_id":"no-such-task"}"#)
    }

    @Test("RUNNING view: no end, no expiry, no metrics")
    func runningView() throws {
        #expect(try view(DashScopeSamples.running) == #"{"files":[],"request_id":"3c829d37-1751-4acf-8d3e-444837d96534","#
            + #""scheduled_at":"2025-09-25T01:37:36.509+08:00","status":"RUNNING","#
            + #""submitted_at":"2025-09-25T01:37:36.380+08:00","task_id":"68ca5d10-7c49-4abe-9550-4763105f8316"}"#)
    }

    @Test("metrics are derived from results when DashScope sends none")
    func derivedMetrics() {
        let output = TaskOutput(taskID: "t", taskStatus: .succeeded, results: [
            SubtaskResult(subtaskStatus: .succeeded), SubtaskResult(subtaskStatus: .failed), SubtaskResult(),
        ])
        let task = TaskView.render(TaskQueryResponse(output: output))
        #expect(task["metrics"] == .object(["total": .number(3), "succeeded": .number(1), "failed": .number(1)]))
        #expect(task["partial"] == .bool(true))
        #expect(task["files"]?.arrayValue?.last?["status"] == .string("UNKNOWN"))
    }

    @Test("DashScope times", arguments: [
        ("2025-09-25 01:37:36.380", "2025-09-25T01:37:36.380+08:00"),
        ("2025-09-25 01:37:36", "2025-09-25T01:37:36.000+08:00"),
        ("2025-09-25 01:37:36.5", "2025-09-25T01:37:36.500+08:00"),
        ("2025-09-25 01:37:36.123456", "2025-09-25T01:37:36.123+08:00"),
        ("2024-02-29 23:59:59.999", "2024-02-29T23:59:59.999+08:00"),
        ("2025-02-29 10:00:00.000", "2025-02-29 10:00:00.000"),
        ("yesterday", "yesterday"),
    ])
    func times(dashScope: String, iso: String) {
        #expect(TaskView.isoTime(fromDashScope: dashScope) == iso)
    }
}
