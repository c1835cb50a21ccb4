import JSON
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

/// `RecognizedSentence(json:)` (read from every streamed Flash event on the OpenAI route) gives what the
/// Codable decode gives.
@Suite struct RecognizedSentenceJSONTests {
    @Test(arguments: [
        DashScopeSamples.realtimeOpeningSentence,
        #"{"begin_time":5,"end_time":null,"words":[{"begin_time":5,"end_time":9}],"speaker_id":1}"#,
    ])
    func readsWhatTheCodableDecodeReads(json: String) throws {
        let expected = try DashScopeSamples.decode(RecognizedSentence.self, json)
        #expect(try RecognizedSentence(json: try #require(JSONValue.parse(Array(json.utf8)))) == expected)
    }

    @Test func readsTheFlashSampleSentence() throws {
        let event = try #require(JSONValue.parse(Array(DashScopeSamples.flashResponse.utf8)))
        let sentence = try RecognizedSentence(json: try #require(event["output"]?["sentence"]))
        #expect(sentence.words.count == 6 && sentence.sentenceEnd == true && sentence.words[1].punctuation == "，")
    }

    @Test(arguments: [
        (#"{"text":"no begin"}"#, "sentence.begin_time"),
        (#"{"begin_time":1,"words":[{"begin_time":1}]}"#, "sentence.words[0].end_time"),
        (#"{"begin_time":1,"sentence_end":"yes"}"#, "sentence.sentence_end"),
    ])
    func aMissingOrMistypedMemberIsAnError(json: String, path: String) throws {
        let value = try #require(JSONValue.parse(Array(json.utf8)))
        #expect(throws: JSONShapeError(path: path)) { try RecognizedSentence(json: value) }
    }
}
