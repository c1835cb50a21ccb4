import JSON
// A recognized sentence read from parsed JSON: the OpenAI-compatible route reads one from every streamed Flash
// event. The rules are those of the Codable conformances (`begin_time` required, `text` and `words` default to
// empty; a word's times required, its `text` and `punctuation` default to "").

extension RecognizedSentence {
    /// Reads a `sentence` object of a Flash/Realtime event or a result file.
    public init(json: JSONValue) throws(JSONShapeError) {
        let sentence = try JSONObjectReader(json, path: "sentence")
        var words: [RecognizedWord] = []
        for (index, element) in (try sentence.optionalArray("words") ?? []).enumerated() {
            let word = try JSONObjectReader(element, path: "sentence.words[\(index)]")
            words.append(RecognizedWord(
                beginTime: try word.int("begin_time"), endTime: try word.int("end_time"),
                text: try word.optionalString("text") ?? "", punctuation: try word.optionalString("punctuation") ?? "",
                fixed: try word.optionalBool("fixed")))
        }
        self.init(
            beginTime: try sentence.int("begin_time"), endTime: try sentence.optionalInt("end_time"),
            text: try sentence.optionalString("text") ?? "", sentenceID: try sentence.optionalInt("sentence_id"),
            speakerID: try sentence.optionalInt("speaker_id"), words: words,
            channelID: try sentence.optionalInt("channel_id"), sentenceEnd: try sentence.optionalBool("sentence_end"),
            sentenceBegin: try sentence.optionalBool("sentence_begin"))
    }
}
