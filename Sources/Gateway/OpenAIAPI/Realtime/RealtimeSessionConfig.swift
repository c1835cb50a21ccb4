import JSON

/// The effective configuration of one OpenAI Realtime transcription session (realtime-websocket.md B2) and what it
/// means for Fun-ASR's `run-task`. Pure: updates in, session objects and task parameters out.
struct RealtimeSessionConfig: Sendable, Equatable {
    /// Which dialect the client speaks: GA (`session.update`) or beta (`transcription_session.update`).
    enum Dialect: Sendable, Equatable {
        case ga
        case beta
    }

    /// The Fun-ASR model used when the session names none (or a model that is not Fun-ASR realtime).
    static let defaultModel = "fun-asr-realtime"

    /// The session id shown in the session objects.
    let id: String
    /// The client's dialect.
    var dialect: Dialect
    /// The Fun-ASR realtime model the next task runs.
    var model = defaultModel
    /// The ISO-639-1 language hint, if any.
    var language: String?
    /// The prompt (kept and shown; Fun-ASR has no equivalent).
    var prompt = ""
    /// `server_vad` / `semantic_vad`, or nil for manual commits.
    var turnDetection: JSONValue? = .object([
        "type": .string("server_vad"), "threshold": .number(0.5), "prefix_padding_ms": .number(300),
        "silence_duration_ms": .number(500),
    ])

    /// The sample rate Fun-ASR expects for the model (8 kHz for the `-8k-` models, else 16 kHz).
    var upstreamSampleRate: Int { model.contains("8k") ? 8000 : 16000 }

    /// True for a model name this bridge can run: Fun-ASR's realtime family.
    static func isFunASRRealtime(_ model: String) -> Bool {
        model.hasPrefix("fun-asr") && model.contains("realtime")
    }

    /// Applies a `session.update` / `transcription_session.update` body; returns a problem (message, param) when a
    /// field asks for something the bridge cannot do, leaving the configuration unchanged.
    mutating func apply(_ session: JSONValue) -> (message: String, param: String)? {
        var next = self
        let transcription: JSONValue?
        let format: JSONValue?
        /// The object that may hold `turn_detection` (present → set, null → cleared, absent → kept).
        let turnHolder: JSONValue?
        switch dialect {
        case .ga:
            if let type = session["type"]?.stringValue, type != "transcription" {
                return ("only transcription sessions are supported (session.type must be 'transcription')", "session.type")
            }
            let input = session["audio"]?["input"]
            transcription = input?["transcription"]
            format = input?["format"]
            turnHolder = input
            if let format, let problem = Self.gaFormatProblem(format) { return problem }
        case .beta:
            transcription = session["input_audio_transcription"]
            format = session["input_audio_format"]
            turnHolder = session
            if let name = format?.stringValue, name != "pcm16" {
                return ("input_audio_format '\(name)' is not supported: send pcm16 (24 kHz mono)", "session.input_audio_format")
            }
        }
        if let transcription, transcription.objectValue != nil {
            if let model = transcription["model"]?.stringValue {
                next.model = Self.isFunASRRealtime(model) ? model : Self.defaultModel
            }
            if let language = transcription["language"] {
                next.language = language.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            }
            if let prompt = transcription["prompt"]?.stringValue { next.prompt = prompt }
        }
        if let turn = turnHolder?["turn_detection"] {
            next.turnDetection = turn == .null ? nil : turn
        }
        self = next
        return nil
    }

    private static func gaFormatProblem(_ format: JSONValue) -> (message: String, param: String)? {
        let type = format["type"]?.stringValue ?? "audio/pcm"
        guard type == "audio/pcm" else {
            return ("audio format '\(type)' is not supported: send audio/pcm at 24000 Hz", "session.audio.input.format.type")
        }
        if let rate = format["rate"]?.intValue, rate != 24000 {
            return ("audio/pcm must be 24000 Hz", "session.audio.input.format.rate")
        }
        return nil
    }

    /// Fun-ASR's `max_sentence_silence` from the VAD's `silence_duration_ms` (clamped to 200–6000), if any.
    var maxSentenceSilence: Int? {
        guard let silence = turnDetection?["silence_duration_ms"]?.intValue else { return nil }
        return min(max(silence, 200), 6000)
    }

    /// The `run-task` parameters for Fun-ASR (realtime-websocket.md A4).
    var taskParameters: JSONValue {
        var parameters: [String: JSONValue] = [
            "format": .string("pcm"), "sample_rate": .number(Double(upstreamSampleRate)),
        ]
        if let language, ["zh", "en", "ja"].contains(language) {
            parameters["language_hints"] = .array([.string(language)])
        }
        if let silence = maxSentenceSilence { parameters["max_sentence_silence"] = .number(Double(silence)) }
        return .object(parameters)
    }

    /// The session object of `session.created` / `.updated` (GA) or `transcription_session.created` / `.updated`.
    var sessionObject: JSONValue {
        var transcription: [String: JSONValue] = ["model": .string(model), "prompt": .string(prompt)]
        transcription["language"] = language.map(JSONValue.string) ?? .null
        switch dialect {
        case .ga:
            return .object([
                "type": .string("transcription"), "id": .string(id), "object": .string("realtime.transcription_session"),
                "audio": .object([
                    "input": .object([
                        "format": .object(["type": .string("audio/pcm"), "rate": .number(24000)]),
                        "transcription": .object(transcription), "noise_reduction": .null,
                        "turn_detection": turnDetection ?? .null,
                    ]),
                ]),
                "include": .array([]),
            ])
        case .beta:
            return .object([
                "id": .string(id), "object": .string("realtime.transcription_session"),
                "input_audio_format": .string("pcm16"), "input_audio_transcription": .object(transcription),
                "turn_detection": turnDetection ?? .null, "input_audio_noise_reduction": .null,
                "modalities": .array([.string("text")]), "include": .array([]),
            ])
        }
    }
}
