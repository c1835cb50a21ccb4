@testable import Gateway
import JSON
import MicroHTTPServer
import Testing

/// The upload tracker's views and bounds, and the `Prefer: respond-async` check.
@Suite struct UploadTrackerTests {
    @Test func aViewFollowsTheUploadToItsTask() {
        let tracker = UploadTracker()
        let id = tracker.start(files: [("a.wav", 10), ("b.wav", 20)], label: "x")
        #expect(UploadTracker.isUploadID(id) && id.count == "upload-".count + 32)
        tracker.progress(id, file: 0, sent: 10)
        tracker.progress(id, file: 5, sent: 99)  // no such file: ignored
        #expect(tracker.view(id)?["status"]?.stringValue == "UPLOADING")
        #expect(tracker.isUploading(id))
        tracker.finish(id, .submitted(taskID: "task-1"))
        let view = tracker.view(id)
        #expect(view?["status"]?.stringValue == "SUBMITTED")
        #expect(view?["task_url"]?.stringValue == "/v1/transcriptions/task-1")
        #expect(view?["label"]?.stringValue == "x")
        #expect(!tracker.isUploading(id))
        #expect(tracker.view("upload-unknown") == nil)
    }

    @Test func aFailureKeepsItsCodeAndTheOldestFinishedGoFirst() {
        let tracker = UploadTracker(capacity: 2)
        let first = tracker.start(files: [("a.wav", 1)], label: nil)
        tracker.finish(first, .failed(GatewayError(status: 502, code: "upload_refused", message: "no")))
        #expect(tracker.view(first)?["error"]?["code"]?.stringValue == "upload_refused")
        let second = tracker.start(files: [("b.wav", 1)], label: nil)
        let third = tracker.start(files: [("c.wav", 1)], label: nil)
        #expect(tracker.view(first) == nil, "the finished one made room")
        #expect(tracker.view(second) != nil && tracker.view(third) != nil, "uploads in progress are never dropped")
    }

    @Test(arguments: [
        ("respond-async", true), ("Respond-Async; wait=10", true), ("return=minimal, respond-async", true),
        ("return=minimal", false), ("respond-asynchronously", false),
    ])
    func preferRespondAsync(value: String, expected: Bool) {
        let head = HTTPRequestHead(method: "POST", path: "/v1/transcriptions", headers: ["Prefer": value])
        #expect(TranscriptionRoutes.prefersAsync(head) == expected)
    }
}
