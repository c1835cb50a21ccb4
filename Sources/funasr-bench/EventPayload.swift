/// The bytes of one DashScope-framed `result` event, with the send time stamped last.
///
/// The payload imitates a Fun-ASR realtime partial result (a sentence with its words, ~450 bytes);
/// everything but the trailing `"bench_sent_ns":<ns>}` is built once per stream.
struct EventPayload: Sendable {
    private let words: [String] = ["the", "gateway", "relays", "each", "partial", "sentence", "as", "soon", "as", "it", "arrives"]
    let requestID: String

    /// The frame of event `seq` (1-based) up to the stamp; finish it with `stamped(_:)` right before sending.
    func prefix(seq: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(640)
        out += Array("id:\(seq)\nevent:result\n:HTTP_STATUS/200\ndata:".utf8)
        out += Array(json(seq: seq).utf8)
        return out
    }

    /// Completes a prefix with the send time (CLOCK_MONOTONIC ns) taken now.
    static func stamped(_ prefix: [UInt8]) -> [UInt8] {
        var out = prefix
        out += Array("\(Monotonic.nanos())}\n\n".utf8)
        return out
    }

    /// The JSON up to (and including) the `"bench_sent_ns":` key.
    private func json(seq: Int) -> String {
        let count = 4 + seq % 4
        var wordsJSON: [String] = []
        var text = ""
        for index in 0..<count {
            let word = words[(seq + index) % words.count]
            let begin = 1000 + index * 320
            wordsJSON.append(
                "{\"begin_time\":\(begin),\"end_time\":\(begin + 300),\"fixed\":false,\"punctuation\":\"\",\"text\":\"\(word) \"}")
            text += word + " "
        }
        let sentence = "{\"begin_time\":1000,\"channel_id\":0,\"sentence_end\":false,\"sentence_id\":\(1 + seq / 20),"
            + "\"text\":\"\(text)\",\"words\":[\(wordsJSON.joined(separator: ","))]}"
        return "{\"output\":{\"sentence\":\(sentence),\"text\":\"\(text)\"},\"request_id\":\"\(requestID)\","
            + "\"bench_seq\":\(seq),\"bench_sent_ns\":"
    }
}
