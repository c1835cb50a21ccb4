import DashScope

// Sentences of all channels are merged and ordered by begin time (stable: channel order, then sentence order).
// Prefixes: `[speaker N] ` with N = speaker_id + 1 (people count speakers from 1), when the sentence has a
// speaker_id; `[channel N] ` with N = channel_id as DashScope numbers it (from 0, matching the request's
// `channel_id` option), only when the sentences span more than one channel. Text whitespace (newlines included)
// collapses to single spaces; empty sentences are skipped. WebVTT escapes `&`, `<` and `>`; SRT text is raw.

/// An output format of a transcript.
public enum TranscriptFormat: String, Sendable, CaseIterable {
    /// Plain text, one line per sentence.
    case text
    /// SubRip subtitles.
    case srt
    /// WebVTT subtitles.
    case vtt

    /// The Content-Type to answer with.
    public var contentType: String {
        switch self {
        case .text: "text/plain; charset=utf-8"
        case .srt: "application/x-subrip; charset=utf-8"
        case .vtt: "text/vtt; charset=utf-8"
        }
    }
}

/// Renders recognized sentences as plain text, SRT or WebVTT.
public struct TranscriptFormatter: Sendable {
    /// The longest subtitle line, in Characters (a CJK character counts 1).
    public var maxLineLength: Int
    /// The most lines a cue shows before the sentence is split.
    public var maxLines: Int
    /// The longest a cue lasts, in milliseconds, before the sentence is split.
    public var maxCueDurationMilliseconds: Int

    /// Creates a formatter; the defaults are 42 characters, 2 lines and 7 seconds.
    public init(maxLineLength: Int = 42, maxLines: Int = 2, maxCueDurationMilliseconds: Int = 7000) {
        self.maxLineLength = max(1, maxLineLength)
        self.maxLines = max(1, maxLines)
        self.maxCueDurationMilliseconds = max(1, maxCueDurationMilliseconds)
    }

    /// Every sentence of a result file, tagged with its channel and ordered by begin time.
    public static func sentences(of document: TranscriptionResultDocument) -> [RecognizedSentence] {
        document.transcripts.flatMap { transcript in
            transcript.sentences.map { sentence in
                var sentence = sentence
                sentence.channelID = sentence.channelID ?? transcript.channelID
                return sentence
            }
        }
    }

    /// A result file in the given format.
    public func format(_ document: TranscriptionResultDocument, as format: TranscriptFormat) -> String {
        self.format(Self.sentences(of: document), as: format)
    }

    /// Sentences (from a result file or a Flash/Realtime answer) in the given format.
    public func format(_ sentences: [RecognizedSentence], as format: TranscriptFormat) -> String {
        switch format {
        case .text: text(sentences)
        case .srt: srt(sentences)
        case .vtt: vtt(sentences)
        }
    }

    /// Plain text: one line per non-empty sentence, each ending in a newline.
    public func text(_ sentences: [RecognizedSentence]) -> String {
        let prefixes = Prefixes(sentences)
        return ordered(sentences).compactMap { sentence -> String? in
            let text = LineWrapper.normalize(sentence.text)
            return text.isEmpty ? nil : prefixes.prefix(for: sentence) + text + "\n"
        }.joined()
    }

    /// SubRip: numbered cues, `hh:mm:ss,mmm` times, a blank line after each cue.
    public func srt(_ sentences: [RecognizedSentence]) -> String {
        cues(sentences).enumerated().map { number, cue in
            let span = "\(SubtitleCue.timestamp(cue.start, separator: ",")) --> "
                + SubtitleCue.timestamp(cue.end, separator: ",")
            return "\(number + 1)\n\(span)\n\(cue.lines.joined(separator: "\n"))\n\n"
        }.joined()
    }

    /// WebVTT: the `WEBVTT` header, then unnumbered cues with `hh:mm:ss.mmm` times.
    public func vtt(_ sentences: [RecognizedSentence]) -> String {
        "WEBVTT\n\n" + cues(sentences).map { cue in
            let span = "\(SubtitleCue.timestamp(cue.start, separator: ".")) --> "
                + SubtitleCue.timestamp(cue.end, separator: ".")
            return "\(span)\n\(cue.lines.map(Self.escapeVTT).joined(separator: "\n"))\n\n"
        }.joined()
    }

    /// The subtitle cues of the sentences, long sentences split, in time order.
    public func cues(_ sentences: [RecognizedSentence]) -> [SubtitleCue] {
        let prefixes = Prefixes(sentences)
        let splitter = CueSplitter(
            wrapper: LineWrapper(width: maxLineLength), maxLines: maxLines, maxDuration: maxCueDurationMilliseconds
        )
        return ordered(sentences).flatMap { splitter.cues(for: $0, prefix: prefixes.prefix(for: $0)) }
    }

    private func ordered(_ sentences: [RecognizedSentence]) -> [RecognizedSentence] {
        sentences.enumerated()
            .sorted { ($0.element.beginTime, $0.offset) < ($1.element.beginTime, $1.offset) }
            .map(\.element)
    }

    private static func escapeVTT(_ line: String) -> String {
        var escaped = ""
        for character in line {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Decides which labels a sentence gets.
    private struct Prefixes {
        let labelsChannels: Bool

        init(_ sentences: [RecognizedSentence]) {
            labelsChannels = Set(sentences.compactMap(\.channelID)).count > 1
        }

        func prefix(for sentence: RecognizedSentence) -> String {
            var prefix = ""
            if labelsChannels, let channel = sentence.channelID { prefix += "[channel \(channel)] " }
            if let speaker = sentence.speakerID { prefix += "[speaker \(speaker + 1)] " }
            return prefix
        }
    }
}
