import JSON
import DashScope
import Testing

/// `TranscriptionResultDocument(json:)`: the result file behind a `transcription_url`, read for subtitles.
@Suite struct ResultDocumentJSONTests {
    private static let text = "Hello world, 这里是阿里巴巴语音实验室。"

    @Test func readsTheResultFileSample() throws {
        #expect(try DashScopeSamples.read(TranscriptionResultDocument.self, DashScopeSamples.resultFile)
            == TranscriptionResultDocument(
                fileURL: "https://dashscope.oss-cn-beijing.aliyuncs.com/samples/audio/paraformer/hello_world_female2.wav",
                properties: AudioProperties(
                    audioFormat: "pcm_s16le", channels: [0], originalSamplingRate: 16000,
                    originalDurationInMilliseconds: 3834),
                transcripts: [ChannelTranscript(
                    channelID: 0, contentDurationInMilliseconds: 3720, text: Self.text,
                    sentences: [RecognizedSentence(
                        beginTime: 100, endTime: 3820, text: Self.text, sentenceID: 1, speakerID: 0, words: [
                            RecognizedWord(beginTime: 100, endTime: 596, text: "Hello ", punctuation: ""),
                            RecognizedWord(beginTime: 596, endTime: 844, text: "world", punctuation: ", "),
                        ])])]))
    }

    @Test(arguments: [
        (#"{}"#, TranscriptionResultDocument()),
        (#"{"file_url":null,"properties":null,"transcripts":null,"extra":[1]}"#, TranscriptionResultDocument()),
        (#"{"properties":{},"transcripts":[{}]}"#,
         TranscriptionResultDocument(properties: AudioProperties(), transcripts: [ChannelTranscript()])),
        (#"{"properties":{"channels":[0,1],"audio_format":null},"transcripts":[{"sentences":null,"channel_id":1}]}"#,
         TranscriptionResultDocument(
            properties: AudioProperties(channels: [0, 1]), transcripts: [ChannelTranscript(channelID: 1)])),
        (#"{"transcripts":[{"sentences":[{"begin_time":0},{"begin_time":5,"end_time":9,"text":"x","words":null}]}]}"#,
         TranscriptionResultDocument(transcripts: [ChannelTranscript(sentences: [
            RecognizedSentence(beginTime: 0, text: ""), RecognizedSentence(beginTime: 5, endTime: 9, text: "x"),
         ])])),
    ])
    func readsDefaultsAndNulls(json: String, expected: TranscriptionResultDocument) throws {
        #expect(try DashScopeSamples.read(TranscriptionResultDocument.self, json) == expected)
    }

    @Test(arguments: [
        (#"[]"#, "(root)"),
        (#"{"file_url":1}"#, "file_url"),
        (#"{"properties":[]}"#, "properties"),
        (#"{"properties":{"audio_format":16}}"#, "properties.audio_format"),
        (#"{"properties":{"channels":"0"}}"#, "properties.channels"),
        (#"{"properties":{"channels":[0,"1"]}}"#, "properties.channels[1]"),
        (#"{"properties":{"channels":[null]}}"#, "properties.channels[0]"),
        (#"{"properties":{"original_sampling_rate":"16000"}}"#, "properties.original_sampling_rate"),
        (#"{"properties":{"original_duration_in_milliseconds":3834.5}}"#, "properties.original_duration_in_milliseconds"),
        (#"{"transcripts":{}}"#, "transcripts"),
        (#"{"transcripts":[{},null]}"#, "transcripts[1]"),
        (#"{"transcripts":[{"channel_id":"0"}]}"#, "transcripts[0].channel_id"),
        (#"{"transcripts":[{"content_duration_in_milliseconds":true}]}"#, "transcripts[0].content_duration_in_milliseconds"),
        (#"{"transcripts":[{"text":5}]}"#, "transcripts[0].text"),
        (#"{"transcripts":[{"sentences":{}}]}"#, "transcripts[0].sentences"),
        (#"{"transcripts":[{},{"sentences":[{"begin_time":0},{"text":"x"}]}]}"#, "transcripts[1].sentences[1].begin_time"),
        (#"{"transcripts":[{"sentences":[{"begin_time":0,"words":[{"begin_time":0}]}]}]}"#,
         "transcripts[0].sentences[0].words[0].end_time"),
    ])
    func aMissingOrMistypedMemberIsAnErrorNamingItsPath(json: String, path: String) throws {
        #expect(throws: JSONShapeError(path: path)) { try DashScopeSamples.read(TranscriptionResultDocument.self, json) }
    }

    @Test func partsReadAloneNameTheirPathsFromTheirOwnName() throws {
        #expect(try DashScopeSamples.read(AudioProperties.self, #"{"channels":[]}"#) == AudioProperties(channels: []))
        #expect(throws: JSONShapeError(path: "properties.channels[0]")) {
            try DashScopeSamples.read(AudioProperties.self, #"{"channels":[0.5]}"#)
        }
        #expect(try DashScopeSamples.read(ChannelTranscript.self, #"{"text":"t"}"#) == ChannelTranscript(text: "t"))
        #expect(throws: JSONShapeError(path: "transcript.sentences[0]")) {
            try DashScopeSamples.read(ChannelTranscript.self, #"{"sentences":[1]}"#)
        }
    }
}

/// `RecognizedSentence(json:)` and `RecognizedWord(json:)`: read from result files and from every streamed
/// Flash/Realtime event (the OpenAI route reads one per event).
@Suite struct RecognizedSentenceJSONTests {
    @Test(arguments: [
        (DashScopeSamples.realtimeOpeningSentence, RecognizedSentence(
            beginTime: 0, text: "", sentenceID: 1, channelID: 0, sentenceEnd: false, sentenceBegin: true)),
        (#"{"begin_time":5,"end_time":null,"words":[{"begin_time":5,"end_time":9}],"speaker_id":1,"extra":{}}"#,
         RecognizedSentence(
            beginTime: 5, text: "", speakerID: 1, words: [RecognizedWord(beginTime: 5, endTime: 9, text: "")])),
        (#"{"begin_time":5,"text":null,"words":null,"sentence_end":null,"channel_id":null}"#,
         RecognizedSentence(beginTime: 5, text: "")),
    ])
    func readsSentences(json: String, expected: RecognizedSentence) throws {
        #expect(try DashScopeSamples.read(RecognizedSentence.self, json) == expected)
    }

    @Test func readsTheFlashSampleSentence() throws {
        let event = try DashScopeSamples.json(DashScopeSamples.flashResponse)
        let sentence = try RecognizedSentence(json: try #require(event["output"]?["sentence"]))
        #expect(sentence == RecognizedSentence(
            beginTime: 760, endTime: 3800, text: "Hello World，这里是阿里巴巴语音实验室。", sentenceID: 1, words: [
                RecognizedWord(beginTime: 760, endTime: 1040, text: "Hello", punctuation: "", fixed: true),
                RecognizedWord(beginTime: 1040, endTime: 1240, text: " World", punctuation: "，", fixed: true),
                RecognizedWord(beginTime: 1360, endTime: 1880, text: "这里是", punctuation: "", fixed: true),
                RecognizedWord(beginTime: 1880, endTime: 2520, text: "阿里巴巴", punctuation: "", fixed: true),
                RecognizedWord(beginTime: 2520, endTime: 2840, text: "语音", punctuation: "", fixed: true),
                RecognizedWord(beginTime: 2840, endTime: 3800, text: "实验室", punctuation: "。", fixed: true),
            ], channelID: 0, sentenceEnd: true))
    }

    @Test(arguments: [
        (#"{"text":"no begin"}"#, "sentence.begin_time"),
        (#"{"begin_time":null}"#, "sentence.begin_time"),
        (#"{"begin_time":"0"}"#, "sentence.begin_time"),
        (#"{"begin_time":0.5}"#, "sentence.begin_time"),
        (#"{"begin_time":1,"end_time":"2"}"#, "sentence.end_time"),
        (#"{"begin_time":1,"text":["a"]}"#, "sentence.text"),
        (#"{"begin_time":1,"sentence_id":"1"}"#, "sentence.sentence_id"),
        (#"{"begin_time":1,"speaker_id":false}"#, "sentence.speaker_id"),
        (#"{"begin_time":1,"channel_id":"0"}"#, "sentence.channel_id"),
        (#"{"begin_time":1,"sentence_end":"yes"}"#, "sentence.sentence_end"),
        (#"{"begin_time":1,"sentence_begin":1}"#, "sentence.sentence_begin"),
        (#"{"begin_time":1,"words":{}}"#, "sentence.words"),
        (#"{"begin_time":1,"words":[null]}"#, "sentence.words[0]"),
        (#"{"begin_time":1,"words":[{"begin_time":1}]}"#, "sentence.words[0].end_time"),
        (#"{"begin_time":1,"words":[{"begin_time":1,"end_time":2},{"end_time":2}]}"#, "sentence.words[1].begin_time"),
        (#"{"begin_time":1,"words":[{"begin_time":1,"end_time":2,"text":1}]}"#, "sentence.words[0].text"),
        (#"{"begin_time":1,"words":[{"begin_time":1,"end_time":2,"punctuation":null,"fixed":"no"}]}"#,
         "sentence.words[0].fixed"),
        (#""sentence""#, "sentence"),
    ])
    func aMissingOrMistypedMemberIsAnErrorNamingItsPath(json: String, path: String) throws {
        #expect(throws: JSONShapeError(path: path)) { try DashScopeSamples.read(RecognizedSentence.self, json) }
    }

    @Test func aWordReadAloneNamesItsPathsFromWord() throws {
        #expect(try DashScopeSamples.read(RecognizedWord.self, #"{"begin_time":1,"end_time":2,"punctuation":"。"}"#)
            == RecognizedWord(beginTime: 1, endTime: 2, text: "", punctuation: "。"))
        #expect(throws: JSONShapeError(path: "word.end_time")) {
            try DashScopeSamples.read(RecognizedWord.self, #"{"begin_time":1}"#)
        }
    }
}
