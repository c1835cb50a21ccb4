import JSON
import DashScope

/// Maps DashScope's Flash/Realtime answer to the local JSON: text, sentences with word timestamps, usage.
enum RecognitionResult {
    /// The local body for one non-streaming answer.
    static func local(from answer: JSONValue, model: String, fallbackRequestID: String) -> JSONValue {
        let output = answer["output"]
        // §6 conflict: the API reference has output.sentence; the user guide output.output.sentence.
        let sentence = output?["sentence"] ?? output?["output"]?["sentence"]
        let text = output?["text"]?.stringValue ?? sentence?["text"]?.stringValue ?? ""
        var body: [String: JSONValue] = [
            "text": .string(text),
            "sentences": .array(sentence.map { [$0] } ?? []),
            "model": .string(model),
            "request_id": .string(answer["request_id"]?.stringValue ?? fallbackRequestID),
        ]
        if let duration = answer["usage"]?["duration"] {
            body["usage"] = .object(["duration_seconds": duration])
        }
        return .object(body)
    }
}
