/// The JSON file behind a task's `transcription_url`: one audio file's recognized text per channel.
public struct TranscriptionResultDocument: Codable, Sendable, Equatable {
    /// The audio file the task read.
    public var fileURL: String?
    /// Format, channels and duration of the audio.
    public var properties: AudioProperties?
    /// One transcript per recognized channel (empty when the file carries none).
    public var transcripts: [ChannelTranscript]

    /// Creates a document.
    public init(fileURL: String? = nil, properties: AudioProperties? = nil, transcripts: [ChannelTranscript] = []) {
        self.fileURL = fileURL
        self.properties = properties
        self.transcripts = transcripts
    }

    enum CodingKeys: String, CodingKey {
        case fileURL = "file_url"
        case properties
        case transcripts
    }

    /// Decodes a document, treating a missing `transcripts` as empty.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fileURL = try container.decodeIfPresent(String.self, forKey: .fileURL)
        properties = try container.decodeIfPresent(AudioProperties.self, forKey: .properties)
        transcripts = try container.decodeIfPresent([ChannelTranscript].self, forKey: .transcripts) ?? []
    }
}

/// The `properties` of a result file: what DashScope measured of the audio.
public struct AudioProperties: Codable, Sendable, Equatable {
    /// Decoded audio format, e.g. `pcm_s16le`.
    public var audioFormat: String?
    /// The channel indexes present in the audio.
    public var channels: [Int]?
    /// Sampling rate of the original audio in Hz.
    public var originalSamplingRate: Int?
    /// Duration of the original audio in milliseconds.
    public var originalDurationInMilliseconds: Int?

    /// Creates properties.
    public init(
        audioFormat: String? = nil, channels: [Int]? = nil,
        originalSamplingRate: Int? = nil, originalDurationInMilliseconds: Int? = nil
    ) {
        self.audioFormat = audioFormat
        self.channels = channels
        self.originalSamplingRate = originalSamplingRate
        self.originalDurationInMilliseconds = originalDurationInMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case audioFormat = "audio_format"
        case channels
        case originalSamplingRate = "original_sampling_rate"
        case originalDurationInMilliseconds = "original_duration_in_milliseconds"
    }
}

/// The recognized text of one audio channel.
public struct ChannelTranscript: Codable, Sendable, Equatable {
    /// The channel index, from 0.
    public var channelID: Int?
    /// Duration of detected speech in milliseconds (what is billed).
    public var contentDurationInMilliseconds: Int?
    /// The whole channel's text.
    public var text: String?
    /// The channel's sentences in time order (empty when missing).
    public var sentences: [RecognizedSentence]

    /// Creates a transcript.
    public init(
        channelID: Int? = nil, contentDurationInMilliseconds: Int? = nil,
        text: String? = nil, sentences: [RecognizedSentence] = []
    ) {
        self.channelID = channelID
        self.contentDurationInMilliseconds = contentDurationInMilliseconds
        self.text = text
        self.sentences = sentences
    }

    enum CodingKeys: String, CodingKey {
        case channelID = "channel_id"
        case contentDurationInMilliseconds = "content_duration_in_milliseconds"
        case text
        case sentences
    }

    /// Decodes a transcript, treating a missing `sentences` as empty.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        channelID = try container.decodeIfPresent(Int.self, forKey: .channelID)
        contentDurationInMilliseconds = try container.decodeIfPresent(Int.self, forKey: .contentDurationInMilliseconds)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        sentences = try container.decodeIfPresent([RecognizedSentence].self, forKey: .sentences) ?? []
    }
}

/// One recognized sentence, as in a result file or in a Flash/Realtime `output.sentence`.
public struct RecognizedSentence: Codable, Sendable, Equatable {
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

    enum CodingKeys: String, CodingKey {
        case beginTime = "begin_time"
        case endTime = "end_time"
        case text
        case sentenceID = "sentence_id"
        case speakerID = "speaker_id"
        case words
        case channelID = "channel_id"
        case sentenceEnd = "sentence_end"
        case sentenceBegin = "sentence_begin"
    }

    /// Decodes a sentence; `begin_time` is required, `text` and `words` default to empty.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        beginTime = try container.decode(Int.self, forKey: .beginTime)
        endTime = try container.decodeIfPresent(Int.self, forKey: .endTime)
        text = try container.decodeIfPresent(String.self, forKey: .text) ?? ""
        sentenceID = try container.decodeIfPresent(Int.self, forKey: .sentenceID)
        speakerID = try container.decodeIfPresent(Int.self, forKey: .speakerID)
        words = try container.decodeIfPresent([RecognizedWord].self, forKey: .words) ?? []
        channelID = try container.decodeIfPresent(Int.self, forKey: .channelID)
        sentenceEnd = try container.decodeIfPresent(Bool.self, forKey: .sentenceEnd)
        sentenceBegin = try container.decodeIfPresent(Bool.self, forKey: .sentenceBegin)
    }
}

/// One recognized word with its timestamps.
public struct RecognizedWord: Codable, Sendable, Equatable {
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

    enum CodingKeys: String, CodingKey {
        case beginTime = "begin_time"
        case endTime = "end_time"
        case text
        case punctuation
        case fixed
    }

    /// Decodes a word; the times are required, `text` and `punctuation` default to "".
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        beginTime = try container.decode(Int.self, forKey: .beginTime)
        endTime = try container.decode(Int.self, forKey: .endTime)
        text = try container.decodeIfPresent(String.self, forKey: .text) ?? ""
        punctuation = try container.decodeIfPresent(String.self, forKey: .punctuation) ?? ""
        fixed = try container.decodeIfPresent(Bool.self, forKey: .fixed)
    }
}
