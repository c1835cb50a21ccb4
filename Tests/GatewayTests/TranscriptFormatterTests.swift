import DashScope
import Gateway
import JSON
import Testing

@Suite struct TranscriptFormatterTests {
    private let formatter = TranscriptFormatter()

    private static let small = TranscriptionResultDocument(transcripts: [ChannelTranscript(channelID: 0, sentences: [
        RecognizedSentence(beginTime: 1000, endTime: 2500, text: "Hello world."),
        RecognizedSentence(beginTime: 3000, endTime: 5200, text: "这里是阿里巴巴语音实验室。"),
    ])])

    /// A 15-second sentence of fifteen one-second words `w01`…`w15`.
    private static func fifteenSeconds(withWords: Bool) -> RecognizedSentence {
        let words = (1...15).map { index in
            RecognizedWord(
                beginTime: (index - 1) * 1000, endTime: index * 1000,
                text: index < 10 ? "w0\(index)" : "w\(index)", punctuation: index == 15 ? "." : ""
            )
        }
        let text = words.map(\.text).joined(separator: " ") + "."
        return RecognizedSentence(beginTime: 0, endTime: 15000, text: text, words: withWords ? words : [])
    }

    @Test("SRT is byte-exact")
    func srt() {
        #expect(formatter.format(Self.small, as: .srt) == """
        1
        00:00:01,000 --> 00:00:02,500
        Hello world.

        2
        00:00:03,000 --> 00:00:05,200
        这里是阿里巴巴语音实验室。


        """)
    }

    @Test("WebVTT is byte-exact")
    func vtt() {
        #expect(formatter.format(Self.small, as: .vtt)
            == "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHello world.\n\n00:00:03.000 --> 00:00:05.200\n这里是阿里巴巴语音实验室。\n\n")
    }

    @Test("text has one line per sentence")
    func text() {
        #expect(formatter.format(Self.small, as: .text) == "Hello world.\n这里是阿里巴巴语音实验室。\n")
    }

    @Test("an empty document gives empty text and SRT, and a bare WebVTT header")
    func empty() {
        let document = TranscriptionResultDocument()
        #expect(formatter.format(document, as: .text) == "")
        #expect(formatter.format(document, as: .srt) == "")
        #expect(formatter.format(document, as: .vtt) == "WEBVTT\n\n")
    }

    @Test("the §11 result file decodes and formats with its speaker")
    func resultFile() throws {
        let document = try DashScopeSamples.read(TranscriptionResultDocument.self, DashScopeSamples.resultFile)
        #expect(document.properties == AudioProperties(
            audioFormat: "pcm_s16le", channels: [0], originalSamplingRate: 16000, originalDurationInMilliseconds: 3834
        ))
        let sentence = try #require(document.transcripts.first?.sentences.first)
        #expect(sentence.speakerID == 0 && sentence.sentenceID == 1 && sentence.words.count == 2)
        #expect(sentence.words[1] == RecognizedWord(beginTime: 596, endTime: 844, text: "world", punctuation: ", "))
        #expect(formatter.format(document, as: .text) == "[speaker 1] Hello world, 这里是阿里巴巴语音实验室。\n")
        #expect(formatter.format(document, as: .srt)
            == "1\n00:00:00,100 --> 00:00:03,820\n[speaker 1] Hello world, 这里是阿里巴巴语音实验室。\n\n")
    }

    @Test("speaker prefixes on text and on every cue")
    func speakers() {
        let sentences = [
            RecognizedSentence(beginTime: 0, endTime: 1000, text: "Hi.", speakerID: 1),
            RecognizedSentence(beginTime: 1200, endTime: 2000, text: "Hello.", speakerID: 0),
        ]
        #expect(formatter.text(sentences) == "[speaker 2] Hi.\n[speaker 1] Hello.\n")
        #expect(formatter.cues(sentences).map(\.lines) == [["[speaker 2] Hi."], ["[speaker 1] Hello."]])
    }

    @Test("channels are merged by time and labelled only when there are several")
    func channels() {
        let document = TranscriptionResultDocument(transcripts: [
            ChannelTranscript(channelID: 0, sentences: [
                RecognizedSentence(beginTime: 0, endTime: 900, text: "First."),
                RecognizedSentence(beginTime: 2000, endTime: 2900, text: "Third."),
            ]),
            ChannelTranscript(channelID: 1, sentences: [RecognizedSentence(beginTime: 1000, endTime: 1900, text: "Second.")]),
        ])
        #expect(formatter.format(document, as: .text) == "[channel 0] First.\n[channel 1] Second.\n[channel 0] Third.\n")
    }

    @Test("whitespace collapses, empty sentences are skipped, WebVTT escapes markup")
    func cleanup() {
        let sentences = [
            RecognizedSentence(beginTime: 0, endTime: 1000, text: "  "),
            RecognizedSentence(beginTime: 1000, endTime: 2000, text: "AT&T\n\n<b>  bold </b>"),
        ]
        #expect(formatter.text(sentences) == "AT&T <b> bold </b>\n")
        #expect(formatter.srt(sentences) == "1\n00:00:01,000 --> 00:00:02,000\nAT&T <b> bold </b>\n\n")
        #expect(formatter.vtt(sentences)
            == "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAT&amp;T &lt;b&gt; bold &lt;/b&gt;\n\n")
    }

    @Test("a 15 s sentence is split into even cues at word boundaries", arguments: [true, false])
    func fifteenSecondSplit(withWords: Bool) {
        let cues = formatter.cues([Self.fifteenSeconds(withWords: withWords)])
        #expect(cues == [
            SubtitleCue(start: 0, end: 5000, lines: ["w01 w02 w03 w04 w05"]),
            SubtitleCue(start: 5000, end: 10000, lines: ["w06 w07 w08 w09 w10"]),
            SubtitleCue(start: 10000, end: 15000, lines: ["w11 w12 w13 w14 w15."]),
        ])
    }

    @Test("split cues in SRT keep their numbering and times")
    func splitSRT() {
        #expect(formatter.srt([Self.fifteenSeconds(withWords: true)]) == """
        1
        00:00:00,000 --> 00:00:05,000
        w01 w02 w03 w04 w05

        2
        00:00:05,000 --> 00:00:10,000
        w06 w07 w08 w09 w10

        3
        00:00:10,000 --> 00:00:15,000
        w11 w12 w13 w14 w15.


        """)
    }

    @Test("a sentence longer than two lines is split, the speaker prefix repeated")
    func lengthSplit() {
        let words = (1...20).map { index in
            RecognizedWord(
                beginTime: (index - 1) * 250, endTime: index * 250,
                text: index < 10 ? "word0\(index) " : "word\(index) ", punctuation: index == 20 ? "." : ""
            )
        }
        let text = (1...20).map { $0 < 10 ? "word0\($0)" : "word\($0)" }.joined(separator: " ") + "."
        let sentence = RecognizedSentence(beginTime: 0, endTime: 5000, text: text, speakerID: 1, words: words)
        #expect(formatter.cues([sentence]) == [
            SubtitleCue(start: 0, end: 2500, lines: [
                "[speaker 2] word01 word02 word03 word04", "word05 word06 word07 word08 word09 word10",
            ]),
            SubtitleCue(start: 2500, end: 5000, lines: [
                "[speaker 2] word11 word12 word13 word14", "word15 word16 word17 word18 word19 word20.",
            ]),
        ])
    }

    @Test("Flash words give the cue times and the cut falls after the comma")
    func flashWordSplit() throws {
        let event = try DashScopeSamples.json(DashScopeSamples.flashResponse)
        let sentence = try RecognizedSentence(json: try #require(event["output"]?["sentence"]))
        #expect(sentence.sentenceEnd == true && sentence.channelID == 0 && sentence.words.first?.fixed == true)
        #expect(formatter.text([sentence]) == "Hello World，这里是阿里巴巴语音实验室。\n")
        let short = TranscriptFormatter(maxCueDurationMilliseconds: 1500)
        #expect(short.cues([sentence]) == [
            SubtitleCue(start: 760, end: 1240, lines: ["Hello World，"]),
            SubtitleCue(start: 1360, end: 2520, lines: ["这里是阿里巴巴"]),
            SubtitleCue(start: 2520, end: 3800, lines: ["语音实验室。"]),
        ])
    }

    @Test("words that do not spell the text fall back to a proportional split")
    func proportionalFallback() throws {
        let document = try DashScopeSamples.read(TranscriptionResultDocument.self, DashScopeSamples.resultFile)
        let cues = TranscriptFormatter(maxCueDurationMilliseconds: 2000).format(document, as: .srt)
        let parsed = TranscriptFormatter(maxCueDurationMilliseconds: 2000).cues(TranscriptFormatter.sentences(of: document))
        #expect(parsed.count == 2)
        #expect(parsed.first?.start == 100 && parsed.last?.end == 3820)
        #expect(parsed.allSatisfy { $0.end - $0.start <= 2000 && $0.lines.allSatisfy { $0.hasPrefix("[speaker 1] ") } })
        let joined = parsed.map { $0.lines.joined().replacing("[speaker 1] ", with: "") }.joined()
        #expect(joined.filter { !$0.isWhitespace } == "Helloworld,这里是阿里巴巴语音实验室。")
        #expect(cues.hasPrefix("1\n00:00:00,100 --> "))
    }

    @Test("CJK text wraps anywhere into two balanced lines of at most 42")
    func cjkWrapping() {
        let text = String(repeating: "这里是阿里巴巴语音实验室", count: 5) + "。"
        let cues = formatter.cues([RecognizedSentence(beginTime: 0, endTime: 6000, text: text)])
        let first = String(repeating: "这里是阿里巴巴语音实验室", count: 2) + "这里是阿里巴"
        let second = "巴语音实验室" + String(repeating: "这里是阿里巴巴语音实验室", count: 2) + "。"
        #expect(cues == [SubtitleCue(start: 0, end: 6000, lines: [first, second])])
        #expect(first.count == 30 && second.count == 31)
    }

    @Test("a 20 s CJK sentence without words is cut after punctuation, times in proportion to characters")
    func cjkClauseSplit() {
        let clauses = ["今天我们来讨论一下人工智能在语音识别领域的最新进展，", "包括端到端模型、大规模预训练以及多语言识别能力的提升。",
                       "这些技术让识别准确率有了显著提高，同时也降低了部署成本。"]
        let sentence = RecognizedSentence(beginTime: 0, endTime: 20000, text: clauses.joined())
        // 81 characters: the cuts after characters 26 and 53 fall at 20000 × 26 / 81 and 20000 × 53 / 81 ms.
        #expect(formatter.cues([sentence]) == [
            SubtitleCue(start: 0, end: 6419, lines: [clauses[0]]),
            SubtitleCue(start: 6419, end: 13086, lines: [clauses[1]]),
            SubtitleCue(start: 13086, end: 20000, lines: [clauses[2]]),
        ])
    }

    @Test("a Realtime opening event decodes and yields nothing")
    func realtimeOpening() throws {
        let sentence = try DashScopeSamples.read(RecognizedSentence.self, DashScopeSamples.realtimeOpeningSentence)
        #expect(sentence == RecognizedSentence(
            beginTime: 0, text: "", sentenceID: 1, channelID: 0, sentenceEnd: false, sentenceBegin: true
        ))
        #expect(formatter.cues([sentence]).isEmpty && formatter.text([sentence]).isEmpty)
    }

    @Test("timestamps above an hour")
    func longTimes() {
        let sentence = RecognizedSentence(beginTime: 3_723_004, endTime: 3_725_000, text: "Late.")
        #expect(formatter.srt([sentence]) == "1\n01:02:03,004 --> 01:02:05,000\nLate.\n\n")
    }

    @Test("content types")
    func contentTypes() {
        #expect(TranscriptFormat.allCases.map(\.contentType)
            == ["text/plain; charset=utf-8", "application/x-subrip; charset=utf-8", "text/vtt; charset=utf-8"])
    }
}
