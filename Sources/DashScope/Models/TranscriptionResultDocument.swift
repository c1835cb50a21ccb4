import JSON

/// The JSON file behind a task's `transcription_url`: one audio file's recognized text per channel.
public struct TranscriptionResultDocument: Sendable, Equatable {
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

    /// Reads a result file; a missing `transcripts` is empty, unknown members are ignored, `null` is absent.
    public init(json: JSONValue) throws(JSONShapeError) {
        let document = try JSONObjectReader(json, path: "")
        var transcripts: [ChannelTranscript] = []
        for (index, element) in (try document.optionalArray("transcripts") ?? []).enumerated() {
            transcripts.append(try ChannelTranscript(json: element, path: "transcripts[\(index)]"))
        }
        self.init(
            fileURL: try document.optionalString("file_url"),
            properties: try document.optional("properties").map { value throws(JSONShapeError) in
                try AudioProperties(json: value, path: "properties")
            },
            transcripts: transcripts)
    }
}

/// The `properties` of a result file: what DashScope measured of the audio.
public struct AudioProperties: Sendable, Equatable {
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

    /// Reads a `properties` object; every member is optional.
    public init(json: JSONValue) throws(JSONShapeError) {
        try self.init(json: json, path: "properties")
    }

    /// Reads properties at `path`; each channel index must be a whole number.
    init(json: JSONValue, path: String) throws(JSONShapeError) {
        let properties = try JSONObjectReader(json, path: path)
        var channels: [Int]?
        if let elements = try properties.optionalArray("channels") {
            var read: [Int] = []
            for (index, element) in elements.enumerated() {
                guard let channel = element.intValue else { throw JSONShapeError(path: "\(path).channels[\(index)]") }
                read.append(channel)
            }
            channels = read
        }
        self.init(
            audioFormat: try properties.optionalString("audio_format"), channels: channels,
            originalSamplingRate: try properties.optionalInt("original_sampling_rate"),
            originalDurationInMilliseconds: try properties.optionalInt("original_duration_in_milliseconds"))
    }
}

/// The recognized text of one audio channel.
public struct ChannelTranscript: Sendable, Equatable {
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

    /// Reads one element of `transcripts`; errors name paths from `transcript`.
    public init(json: JSONValue) throws(JSONShapeError) {
        try self.init(json: json, path: "transcript")
    }

    /// Reads a transcript at `path`; a missing `sentences` is empty.
    init(json: JSONValue, path: String) throws(JSONShapeError) {
        let transcript = try JSONObjectReader(json, path: path)
        var sentences: [RecognizedSentence] = []
        for (index, element) in (try transcript.optionalArray("sentences") ?? []).enumerated() {
            sentences.append(try RecognizedSentence(json: element, path: "\(path).sentences[\(index)]"))
        }
        self.init(
            channelID: try transcript.optionalInt("channel_id"),
            contentDurationInMilliseconds: try transcript.optionalInt("content_duration_in_milliseconds"),
            text: try transcript.optionalString("text"), sentences: sentences)
    }
}
