/// The server events of DashScope's live-audio WebSocket (realtime-websocket.md A7), as JSON text: pure.
enum LiveAudioEvents {
    /// `task-started`.
    static func started(taskID: String) -> String {
        event("task-started", taskID: taskID, payload: .obj([:]))
    }

    /// `result-generated` for `sentence` with its first `words` words: a partial (no `end_time`, no usage) or, with
    /// `final`, the sentence end with the task's billed seconds so far.
    static func result(
        taskID: String, sentence: SyntheticTranscript.Sentence, words: Int, final: Bool, billedSeconds: Int
    ) -> String {
        let shown = Array(sentence.words.prefix(words))
        let end = final ? (shown.last?.endTime ?? sentence.endTime) : nil
        let output = OrderedJSON.obj([
            "sentence": .obj([
                "begin_time": .int(sentence.beginTime),
                "end_time": end.map { .int($0) } ?? .value(.null),
                "text": .string(shown.map { $0.text + $0.punctuation }.joined()),
                "heartbeat": .bool(false),
                "sentence_end": .bool(final),
                "sentence_id": .int(sentence.id),
                "words": .array(shown.map { word in
                    .obj([
                        "begin_time": .int(word.beginTime), "end_time": .int(word.endTime), "text": .string(word.text),
                        "punctuation": .string(word.punctuation),
                    ])
                }),
            ]),
        ])
        let usage: OrderedJSON = final ? .obj(["duration": .int(billedSeconds)]) : .value(.null)
        return event("result-generated", taskID: taskID, payload: .obj(["output": output, "usage": usage]))
    }

    /// `task-finished`.
    static func finished(taskID: String) -> String {
        event("task-finished", taskID: taskID, payload: .obj(["output": .obj([:])]))
    }

    /// `task-failed` with DashScope's error code and message in the header.
    static func failed(taskID: String, code: String, message: String) -> String {
        OrderedJSON.obj([
            "header": .obj([
                "task_id": .string(taskID), "event": .string("task-failed"), "error_code": .string(code),
                "error_message": .string(message), "attributes": .obj([:]),
            ]),
            "payload": .obj([:]),
        ]).serialized()
    }

    private static func event(_ name: String, taskID: String, payload: OrderedJSON) -> String {
        OrderedJSON.obj([
            "header": .obj(["task_id": .string(taskID), "event": .string(name), "attributes": .obj([:])]),
            "payload": payload,
        ]).serialized()
    }
}
