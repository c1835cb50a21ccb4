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

    /// The DashScope error an SSE error frame or error JSON carries, with the status from `:HTTP_STATUS/N`.
    static func errorFromFrame(data: String, comments: [String], fallbackStatus: Int) -> GatewayError {
        let json = JSONValue.parse(Array(data.utf8))
        let status = comments.compactMap { comment -> Int? in
            guard comment.hasPrefix("HTTP_STATUS/") else { return nil }
            return Int(comment.dropFirst("HTTP_STATUS/".count))
        }.first ?? fallbackStatus
        return GatewayError(
            status: status, code: json?["code"]?.stringValue ?? "upstream_error",
            message: json?["message"]?.stringValue ?? "DashScope reported an error without a message",
            upstreamRequestID: json?["request_id"]?.stringValue)
    }
}
