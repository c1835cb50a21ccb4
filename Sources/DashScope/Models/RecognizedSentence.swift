import JSON

/// One recognized sentence, as in a result file or in a Flash/Realtime `output.sentence`.
public struct RecognizedSentence: Sendable, Equatable {
    /// Start of the sentence in milliseconds from the beginning of the audio.
    public var beginTime: Int
    /// End of the sentence in milliseconds; absent while a streamed sentence is still open.
    public var endTime: Int?
    /// The sentence text with punctuation ("" when missing).
    public var text: String
    /// The sentence number, from 1.
    public var sentenceID: Int?
    /// The speaker index from 0, present only with diarization.
    public var speakerID: Int?
    /// The words with their timestamps (empty when missing).
    public var words: [RecognizedWord]
    /// The channel index (Flash/Realtime only; result files give it on the transcript).
    public var channelID: Int?
    /// Whether the sentence is final (Flash/Realtime only).
    public var sentenceEnd: Bool?
    /// Whether this event opens a new sentence (Realtime streaming only).
    public var sentenceBegin: Bool?

    /// Creates a sentence.
    public init(
        beginTime: Int, endTime: Int? = nil, text: String, sentenceID: Int? = nil, speakerID: Int? = nil,
        words: [RecognizedWord] = [], channelID: Int? = nil, sentenceEnd: Bool? = nil, sentenceBegin: Bool? = nil
    ) {
        self.beginTime = beginTime
        self.endTime = endTime
        self.text = text
        self.sentenceID = sentenceID
        self.speakerID = speakerID
        self.words = words
        self.channelID = channelID
        self.sentenceEnd = sentenceEnd
        self.sentenceBegin = sentenceBegin
    }

    /// Reads a `sentence` object of a Flash/Realtime event; errors name paths from `sentence`.
    public init(json: JSONValue) throws(JSONShapeError) {
        try self.init(json: json, path: "sentence")
    }

    /// Reads a sentence at `path`: `begin_time` is required, `text` and `words` default to empty.
    init(json: JSONValue, path: String) throws(JSONShapeError) {
        let sentence = try JSONObjectReader(json, path: path)
        var words: [RecognizedWord] = []
        for (index, element) in (try sentence.optionalArray("words") ?? []).enumerated() {
            words.append(try RecognizedWord(json: element, path: "\(path).words[\(index)]"))
        }
        self.init(
            beginTime: try sentence.int("begin_time"), endTime: try sentence.optionalInt("end_time"),
            text: try sentence.optionalString("text") ?? "", sentenceID: try sentence.optionalInt("sentence_id"),
            speakerID: try sentence.optionalInt("speaker_id"), words: words,
            channelID: try sentence.optionalInt("channel_id"), sentenceEnd: try sentence.optionalBool("sentence_end"),
            sentenceBegin: try sentence.optionalBool("sentence_begin"))
    }
}

/// One recognized word with its timestamps.
public struct RecognizedWord: Sendable, Equatable {
    /// Start of the word in milliseconds.
    public var beginTime: Int
    /// End of the word in milliseconds.
    public var endTime: Int
    /// The word; Latin words may carry a leading or trailing space.
    public var text: String
    /// The punctuation mark following the word, or "".
    public var punctuation: String
    /// Whether the word can no longer change (Flash/Realtime only).
    public var fixed: Bool?

    /// Creates a word.
    public init(beginTime: Int, endTime: Int, text: String, punctuation: String = "", fixed: Bool? = nil) {
        self.beginTime = beginTime
        self.endTime = endTime
        self.text = text
        self.punctuation = punctuation
        self.fixed = fixed
    }

    /// Reads a word object; errors name paths from `word`.
    public init(json: JSONValue) throws(JSONShapeError) {
        try self.init(json: json, path: "word")
    }

    /// Reads a word at `path`: the times are required, `text` and `punctuation` default to "".
    init(json: JSONValue, path: String) throws(JSONShapeError) {
        let word = try JSONObjectReader(json, path: path)
        self.init(
            beginTime: try word.int("begin_time"), endTime: try word.int("end_time"),
            text: try word.optionalString("text") ?? "", punctuation: try word.optionalString("punctuation") ?? "",
            fixed: try word.optionalBool("fixed"))
    }
}
