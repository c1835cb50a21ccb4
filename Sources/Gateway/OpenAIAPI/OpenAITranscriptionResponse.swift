import JSON
import DashScope
import FoundationEssentials
import MicroHTTPServer

// verbose_json: Fun-ASR gives no token ids, log-probabilities or no-speech estimates, so every segment
// carries Whisper's neutral values: `tokens: []`, `temperature: 0`, `avg_logprob: 0`,
// `compression_ratio: 1`, `no_speech_prob: 0` (none of Whisper's "failed" or "silent" thresholds trips).
// `seek` is the start of the 30-second window the segment begins in, in 10-ms frames as Whisper counts it.
// `language` is the English name of the `language` the client gave, else a guess from the script of the
// text. `duration` is the audio's length: from the WAV header when the file is WAV, else DashScope's billed
// seconds, else where the last sentence ends. Words are the sentence words without surrounding spaces or
// punctuation; segments are the sentences.

/// Renders a Flash transcript in the OpenAI shapes: json, text, srt, vtt and verbose_json.
enum OpenAITranscriptionResponse {
    /// The response for a non-streaming request.
    static func render(_ transcript: FlashTranscriptAssembler, for request: OpenAITranscriptionRequest) -> HTTPResponse {
        switch request.responseFormat {
        case .json:
            return JSONResponse.make(.object(["text": .string(transcript.text), "usage": usage(transcript, request)]))
        case .verboseJSON:
            return JSONResponse.make(verbose(transcript, request))
        case .text:
            let complete = transcript.sentences.map(FlashTranscriptAssembler.text(of:)).joined() == transcript.text
            return plain(complete ? TranscriptFormatter().format(transcript.sentences, as: .text) : terminated(transcript.text), .text)
        case .srt:
            return plain(TranscriptFormatter().format(transcript.sentences, as: .srt), .srt)
        case .vtt:
            return plain(TranscriptFormatter().format(transcript.sentences, as: .vtt), .vtt)
        }
    }

    /// `{"type":"duration","seconds":N}`: DashScope's billed seconds, else the audio's length rounded up.
    static func usage(_ transcript: FlashTranscriptAssembler, _ request: OpenAITranscriptionRequest) -> JSONValue {
        let seconds = transcript.billedSeconds ?? Int(duration(transcript, request).rounded(.up))
        return .object(["type": "duration", "seconds": .number(Double(seconds))])
    }

    /// The audio's length in seconds (see the note at the top of this file).
    static func duration(_ transcript: FlashTranscriptAssembler, _ request: OpenAITranscriptionRequest) -> Double {
        if let seconds = request.audioSeconds { return (seconds * 1000).rounded() / 1000 }
        if let billed = transcript.billedSeconds { return Double(billed) }
        return Double(transcript.endMilliseconds) / 1000
    }

    /// The verbose_json body.
    static func verbose(_ transcript: FlashTranscriptAssembler, _ request: OpenAITranscriptionRequest) -> JSONValue {
        let ordered = transcript.sentences.enumerated()
            .sorted { ($0.element.beginTime, $0.offset) < ($1.element.beginTime, $1.offset) }.map(\.element)
        var body: [String: JSONValue] = [
            "task": "transcribe",
            "language": .string(OpenAILanguage.name(code: request.language, text: transcript.text)),
            "duration": .number(duration(transcript, request)),
            "text": .string(transcript.text),
            "usage": usage(transcript, request),
        ]
        if request.segments {
            body["segments"] = .array(ordered.enumerated().map { index, sentence in segment(sentence, id: index) })
        }
        if request.words {
            body["words"] = .array(ordered.flatMap(\.words).compactMap(word))
        }
        return .object(body)
    }

    static func segment(_ sentence: RecognizedSentence, id: Int) -> JSONValue {
        let end = sentence.endTime ?? sentence.words.last?.endTime ?? sentence.beginTime
        return .object([
            "id": .number(Double(id)), "seek": .number(Double(sentence.beginTime / 30_000 * 3_000)),
            "start": .number(seconds(sentence.beginTime)), "end": .number(seconds(end)),
            "text": .string(FlashTranscriptAssembler.text(of: sentence)), "tokens": .array([]), "temperature": .number(0),
            "avg_logprob": .number(0), "compression_ratio": .number(1), "no_speech_prob": .number(0),
        ])
    }

    static func word(_ word: RecognizedWord) -> JSONValue? {
        let text = word.text.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        return .object(["word": .string(text), "start": .number(seconds(word.beginTime)), "end": .number(seconds(word.endTime))])
    }

    static func seconds(_ milliseconds: Int) -> Double {
        Double(milliseconds) / 1000
    }

    private static func terminated(_ text: String) -> String {
        text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"
    }

    private static func plain(_ text: String, _ format: TranscriptFormat) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: format.contentType, text: text)
    }
}
