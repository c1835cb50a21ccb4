import JSON
import Testing
@testable import DashScopeSimulator

/// The live-audio task of the simulator without sockets: sentences timed to the audio (32 bytes a millisecond),
/// partials before finals, the last sentence cut at `finish-task`, and the commands parsed as JSON.
@Suite struct LiveAudioTaskTests {
    private func events(_ texts: [String]) -> [JSONValue] {
        texts.compactMap { JSONValue.parse(Array($0.utf8)) }
    }

    private func sentence(_ event: JSONValue) -> JSONValue? {
        event["payload"]?["output"]?["sentence"]
    }

    @Test func noAudioNoResults() {
        var task = LiveAudioTask(taskID: "a")
        #expect(task.audio(0).isEmpty)
        #expect(task.audio(31).isEmpty)
    }

    @Test func sentencesFollowTheAudioAndEndWithFinishTask() {
        var task = LiveAudioTask(taskID: "abc")
        var all: [JSONValue] = []
        for _ in 0..<100 { all += events(task.audio(3200)) }  // 10 s
        #expect(task.audioMilliseconds == 10_000)
        let finals = all.filter { sentence($0)?["sentence_end"]?.boolValue == true }
        #expect(!finals.isEmpty)
        #expect(finals.allSatisfy { (sentence($0)?["end_time"]?.intValue ?? .max) <= 10_000 })
        #expect(finals.allSatisfy { $0["payload"]?["usage"]?["duration"]?.intValue != nil })
        let partials = all.filter { sentence($0)?["sentence_end"]?.boolValue == false }
        #expect(partials.allSatisfy { sentence($0)?["end_time"] == .null && $0["payload"]?["usage"] == .null })
        let ids = finals.compactMap { sentence($0)?["sentence_id"]?.intValue }
        #expect(ids == Array(1...ids.count))
        let closing = events(task.finish())
        #expect(closing.last?["header"]?["event"]?.stringValue == "task-finished")
        #expect(closing.allSatisfy { $0["header"]?["task_id"]?.stringValue == "abc" })
    }

    @Test func commandsAreParsedAsJSONInAnyKeyOrder() {
        typealias Command = LiveAudioSession.Command
        #expect(Command(#"{"payload":{"input":{},"model":"fun-asr-realtime"},"header":{"task_id":"t","action":"run-task"}}"#) == .run(taskID: "t"))
        #expect(Command(#"{"header":{"action":"finish-task","task_id":"t"},"payload":{"input":{}}}"#) == .finish(taskID: "t"))
        #expect(Command(#"{"header":{"action":"run-task","task_id":"t"},"payload":{"model":"m"}}"#) == .invalid(taskID: "t"))
        #expect(Command(#"{"header":{"action":"run-task","task_id":"t"},"payload":{"input":{}}}"#) == .invalid(taskID: "t"))
        #expect(Command("not json") == .invalid(taskID: ""))
    }
}
