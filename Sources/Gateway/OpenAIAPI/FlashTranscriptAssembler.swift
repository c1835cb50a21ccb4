import JSON
import DashScope
import ServerSentEvents

// The delta rule. DashScope's Flash/Realtime events each carry the current sentence (`output.sentence`)
// with its words, and a word or sentence may still change until it is final. A delta only ever carries
// text that can no longer change:
// - in an open sentence (`sentence_end: false`), the leading run of words with `fixed: true` (each word's
//   text plus its punctuation) is stable; when it grows past what was already sent, the new part is sent;
// - when a sentence ends (`sentence_end: true`, or a new `sentence_id` starts, or the stream ends while it
//   is open), its final text (`text`, or its words joined when `text` is empty) is stable; what of it was
//   not sent yet is sent.
// Words that are not fixed, and sentences that are not over, are never sent. Should DashScope ever change
// text it had marked fixed, the changed part is not sent again (a delta cannot be taken back), and the
// final `text` of `transcript.text.done` is authoritative. The transcript's text is the final sentence
// texts joined in order; when DashScope sent only the last sentence (a plain JSON answer) but a cumulative
// `output.text` that ends with it, that `output.text` is the text.

/// Folds DashScope's recognition payloads (SSE event data, or one JSON answer) into final sentences, the
/// billed duration and the deltas of text that can no longer change.
struct FlashTranscriptAssembler: Sendable {
    /// The final sentences, in the order they ended.
    private(set) var sentences: [RecognizedSentence] = []
    /// The largest `usage.duration` seen (whole seconds DashScope bills).
    private(set) var billedSeconds: Int?
    /// DashScope's request id.
    private(set) var requestID: String?
    /// How many payloads were added.
    private(set) var payloads = 0
    private var open: RecognizedSentence?
    private var sentInOpen = ""
    private var sent = ""
    private var latestOutputText: String?
    /// The whole text when a job's result document gave it (its channels' `text`).
    private var documentText: String?

    /// An empty transcript, fed with `add`.
    init() {}

    /// A finished job's result document as a transcript (issue 12's fallback for files past Flash's 10 MB): every
    /// channel's sentences in time order, the channels' own text, and as billed seconds the speech DashScope
    /// counted (`content_duration_in_milliseconds`, rounded up).
    init(document: TranscriptionResultDocument) {
        sentences = document.transcripts.flatMap(\.sentences).enumerated()
            .sorted { ($0.element.beginTime, $0.offset) < ($1.element.beginTime, $1.offset) }.map(\.element)
        let texts = document.transcripts.compactMap(\.text).filter { !$0.isEmpty }
        documentText = texts.isEmpty ? nil : texts.joined(separator: "\n")
        let speech = document.transcripts.compactMap(\.contentDurationInMilliseconds).reduce(0, +)
        billedSeconds = speech > 0 ? (speech + 999) / 1000 : nil
        payloads = 1
    }

    /// Adds one DashScope event; its data must be JSON (a 502 otherwise). Returns the newly final text.
    mutating func add(_ event: ServerSentEvent) throws(GatewayError) -> String {
        guard let payload = JSONValue.parse(Array(event.data.utf8)) else {
            throw GatewayError(status: 502, code: "upstream_invalid_response", message: "DashScope sent an event whose data is not JSON")
        }
        return add(payload)
    }

    /// Adds one payload; returns the text that became final ("" when none).
    mutating func add(_ payload: JSONValue) -> String {
        payloads += 1
        requestID = payload["request_id"]?.stringValue ?? requestID
        if let duration = payload["usage"]?["duration"]?.intValue { billedSeconds = max(billedSeconds ?? 0, duration) }
        let output = payload["output"]
        if let text = output?["text"]?.stringValue { latestOutputText = text }
        guard let json = output?["sentence"] ?? output?["output"]?["sentence"],
              let sentence = try? RecognizedSentence(json: json)
        else { return "" }
        var delta = ""
        if let current = open, current.sentenceID != sentence.sentenceID {
            delta += close(current)
        }
        if sentence.sentenceEnd == true {
            delta += close(sentence)
        } else {
            open = sentence
            delta += emit(stable: Self.fixedPrefix(of: sentence))
        }
        return delta
    }

    /// Ends the stream: an open sentence becomes final; returns the text not sent yet.
    mutating func finish() -> String {
        var delta = ""
        if let current = open { delta += close(current) }
        let whole = text
        if whole.unicodeScalars.starts(with: sent.unicodeScalars) {
            let rest = String(String.UnicodeScalarView(whole.unicodeScalars.dropFirst(sent.unicodeScalars.count)))
            sent += rest
            delta += rest
        }
        return delta
    }

    /// The whole transcript.
    var text: String {
        if let documentText { return documentText }
        let joined = sentences.map(Self.text(of:)).joined()
        if let latest = latestOutputText, latest.unicodeScalars.count > joined.unicodeScalars.count,
           sentences.count <= 1, latest.hasSuffix(joined) {
            return latest
        }
        return joined
    }

    /// Where the last final sentence ends, in milliseconds.
    var endMilliseconds: Int {
        sentences.map { $0.endTime ?? $0.words.last?.endTime ?? $0.beginTime }.max() ?? 0
    }

    private mutating func close(_ sentence: RecognizedSentence) -> String {
        let alreadyFinal = sentence.sentenceID != nil && sentences.contains { $0.sentenceID == sentence.sentenceID }
        var stable = Self.text(of: sentence)
        // The first sentence to end, nothing sent yet, and a cumulative `output.text` that ends with it: a plain JSON
        // answer naming only its last sentence. Its whole text is final.
        if sentences.isEmpty, sent.isEmpty, let latest = latestOutputText,
           latest.unicodeScalars.count > stable.unicodeScalars.count, latest.hasSuffix(stable) {
            stable = latest
        }
        let delta = alreadyFinal ? "" : emit(stable: stable)
        if !alreadyFinal { sentences.append(sentence) }
        open = nil
        sentInOpen = ""
        return delta
    }

    /// Sends the part of the open sentence's stable text beyond what was sent of it.
    private mutating func emit(stable: String) -> String {
        guard stable.unicodeScalars.starts(with: sentInOpen.unicodeScalars) else { return "" }
        let rest = String(String.UnicodeScalarView(stable.unicodeScalars.dropFirst(sentInOpen.unicodeScalars.count)))
        sentInOpen = stable
        sent += rest
        return rest
    }

    /// A sentence's final text: its `text`, or its words joined.
    static func text(of sentence: RecognizedSentence) -> String {
        sentence.text.isEmpty ? sentence.words.map { $0.text + $0.punctuation }.joined() : sentence.text
    }

    /// The words of an open sentence that can no longer change: the leading run with `fixed: true`.
    static func fixedPrefix(of sentence: RecognizedSentence) -> String {
        sentence.words.prefix { $0.fixed == true }.map { $0.text + $0.punctuation }.joined()
    }
}
