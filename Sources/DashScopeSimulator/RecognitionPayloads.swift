/// The JSON payloads of Flash/Realtime answers (§6, §7, §11): pure, from a synthetic transcript.
enum RecognitionPayloads {
    /// The synthetic transcript of a generation request: two or three sentences.
    static func transcript(for request: GenerationRequest) -> SyntheticTranscript {
        SyntheticTranscript(seed: request.audioSeed, sentenceCount: 2...3)
    }

    /// The `data:` payloads of a stream, realtime-style: per sentence a begin event with empty text,
    /// one event per growing prefix of words (`fixed:false`), then the fixed sentence end with `usage`.
    static func streamPayloads(_ transcript: SyntheticTranscript, requestID: String) -> [String] {
        var payloads: [String] = []
        var previous = ""
        for sentence in transcript.sentences {
            payloads.append(envelope(
                sentence: sentenceJSON(sentence, words: [], fixed: false, begin: true, end: false),
                text: previous, usage: nil, requestID: requestID))
            for count in 1..<max(1, sentence.words.count) {
                let partial = Array(sentence.words.prefix(count))
                payloads.append(envelope(
                    sentence: sentenceJSON(sentence, words: partial, fixed: false, begin: false, end: false),
                    text: previous + joined(partial), usage: nil, requestID: requestID))
            }
            previous += sentence.text
            payloads.append(envelope(
                sentence: sentenceJSON(sentence, words: sentence.words, fixed: true, begin: false, end: true),
                text: previous, usage: billedSeconds(sentence.endTime), requestID: requestID))
        }
        return payloads
    }

    /// The non-streaming answer: the last sentence, the whole text, the billed seconds.
    static func singleResponse(_ transcript: SyntheticTranscript, requestID: String) -> String {
        guard let last = transcript.sentences.last else {
            return envelope(sentence: nil, text: "", usage: 0, requestID: requestID)
        }
        return envelope(
            sentence: sentenceJSON(last, words: last.words, fixed: true, begin: false, end: true),
            text: transcript.text, usage: billedSeconds(transcript.endTime), requestID: requestID)
    }

    /// Whole seconds of audio up to `milliseconds`, rounded up (3.8 s → 4).
    static func billedSeconds(_ milliseconds: Int) -> Int {
        (milliseconds + 999) / 1000
    }

    private static func joined(_ words: [SyntheticTranscript.Word]) -> String {
        words.map { $0.text + $0.punctuation }.joined()
    }

    private static func envelope(sentence: OrderedJSON?, text: String, usage: Int?, requestID: String) -> String {
        OrderedJSON.obj([
            "output": .obj(["sentence": sentence, "text": .string(text)]),
            "usage": usage.map { .obj(["duration": .int($0)]) },
            "request_id": .string(requestID),
        ]).serialized()
    }

    private static func sentenceJSON(
        _ sentence: SyntheticTranscript.Sentence, words: [SyntheticTranscript.Word], fixed: Bool, begin: Bool, end: Bool
    ) -> OrderedJSON {
        .obj([
            "begin_time": .int(begin ? sentence.beginTime : (words.first?.beginTime ?? sentence.beginTime)),
            "channel_id": .int(0),
            "end_time": end ? .int(sentence.endTime) : nil,
            "sentence_begin": begin ? .bool(true) : nil,
            "sentence_end": .bool(end),
            "sentence_id": .int(sentence.id),
            "text": .string(joined(words)),
            "words": .array(words.map { word in
                .obj([
                    "begin_time": .int(word.beginTime), "end_time": .int(word.endTime), "fixed": .bool(fixed),
                    "punctuation": .string(word.punctuation), "text": .string(word.text),
                ])
            }),
        ])
    }
}
