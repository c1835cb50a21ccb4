import FoundationEssentials
import JSON
import MicroHTTPServer

/// A validated Flash (§6) or Realtime (§7) request: which model family and where the audio comes from.
struct GenerationRequest: Sendable, Equatable {
    enum Family: Sendable, Equatable { case flash, realtime }

    var family: Family
    var model: String
    /// The audio URL, or a digest-like seed of the inline audio; seeds the synthetic transcript.
    var audioSeed: String

    static let flashModels: Set<String> = ["fun-asr-flash-2026-06-15", "qwen-audio-3.0-asr-flash", "qwen-audio-3.1-asr-flash"]
    static let realtimeModels: Set<String> = ["fun-asr-realtime", "fun-asr-realtime-2026-02-28"]

    /// Validates the body exactly as documented; the error names the offending field.
    static func parse(_ body: [UInt8], maxInlineAudioBytes: Int) -> Result<GenerationRequest, SimulatedError> {
        guard let json = JSONValue.parse(body), json.objectValue != nil else { return .failure(.malformedJSON) }
        guard let modelValue = json["model"], modelValue != .null else { return .failure(.emptyModel) }
        guard let model = modelValue.stringValue else { return .failure(.invalidParameter("Parameter \"model\" must be a string.")) }
        let family: Family
        if flashModels.contains(model) { family = .flash }
        else if realtimeModels.contains(model) { family = .realtime }
        else { return .failure(.modelNotExist) }
        guard let input = json["input"] else { return .failure(.emptyInput) }
        guard input.objectValue != nil, let messages = input["messages"]?.arrayValue else {
            return .failure(.invalidParameter("Parameter \"input.messages\" must be an array."))
        }
        guard let parameters = json["parameters"] else { return .failure(.emptyParameters) }
        guard parameters.objectValue != nil else { return .failure(.invalidParameter("Parameter \"parameters\" must be an object.")) }
        guard let format = parameters["format"]?.stringValue, !format.isEmpty else {
            return .failure(.invalidParameter("Required parameter \"parameters.format\" missing or not a string."))
        }
        if let hints = parameters["language_hints"], !(hints.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false) {
            return .failure(.invalidParameter("Parameter \"parameters.language_hints\" must be an array of strings."))
        }
        let source: Result<String, SimulatedError> = family == .flash
            ? flashAudio(messages: messages, parameters: parameters)
            : realtimeAudio(json: json, messages: messages, parameters: parameters)
        switch source {
        case .failure(let error): return .failure(error)
        case .success(let audio):
            if audio.hasPrefix("data:") {
                return inlineAudio(audio, limit: maxInlineAudioBytes)
                    .map { GenerationRequest(family: family, model: model, audioSeed: $0) }
            }
            let scheme = URLComponents(string: audio)?.scheme?.lowercased()
            guard ["http", "https", "oss"].contains(scheme ?? "") else { return .failure(.invalidURL) }
            if SubtaskOutcome.forFile(audio, parametersMissing: false) != .succeeded {
                return .failure(.downloadFailed(audio))
            }
            return .success(GenerationRequest(family: family, model: model, audioSeed: audio))
        }
    }

    private static func flashAudio(messages: [JSONValue], parameters: JSONValue) -> Result<String, SimulatedError> {
        if let rate = parameters["sample_rate"], rate.stringValue == nil {
            return .failure(.invalidParameter("Parameter \"parameters.sample_rate\" must be a string, e.g. \"16000\"."))
        }
        guard !messages.isEmpty else { return .failure(.invalidParameter("Parameter \"input.messages\" must not be empty.")) }
        var audio: [String] = []
        for (index, message) in messages.enumerated() {
            let role = message["role"]?.stringValue
            guard role == "user" || role == "assistant" || role == "system", let content = message["content"]?.arrayValue else {
                return .failure(.invalidParameter(
                    "input.messages[\(index)] must have a role (user, assistant or system) and a content array."))
            }
            for (itemIndex, item) in content.enumerated() {
                let at = "input.messages[\(index)].content[\(itemIndex)]"
                switch item["type"]?.stringValue {
                case "input_audio":
                    guard role == "user", let data = item["input_audio"]?["data"]?.stringValue, !data.isEmpty else {
                        return .failure(.invalidParameter("\(at): an input_audio item needs input_audio.data (URL or data URI) in a user message."))
                    }
                    audio.append(data)
                case "input_text", "text":
                    guard item["text"]?.stringValue != nil else { return .failure(.invalidParameter("\(at): text must be a string.")) }
                default:
                    return .failure(.invalidParameter(
                        "\(at): type must be input_audio, input_text or text (Flash uses {\"type\":\"input_audio\",\"input_audio\":{\"data\":…}})."))
                }
            }
        }
        guard messages.last?["role"]?.stringValue == "user",
            messages.last?["content"]?.arrayValue?.contains(where: { $0["type"]?.stringValue == "input_audio" }) == true
        else { return .failure(.invalidParameter("The last message of input.messages must be a user message with an input_audio item.")) }
        guard audio.count == 1 else { return .failure(.invalidParameter("Exactly one input_audio item is allowed per request.")) }
        return .success(audio[0])
    }

    private static func realtimeAudio(json: JSONValue, messages: [JSONValue], parameters: JSONValue) -> Result<String, SimulatedError> {
        guard json["resources"]?.arrayValue != nil else {
            return .failure(.invalidParameter("Parameter \"resources\" must be an array (pass [])."))
        }
        if let vad = parameters["vad_enabled"], vad.boolValue == nil {
            return .failure(.invalidParameter("Parameter \"parameters.vad_enabled\" must be a boolean."))
        }
        let address = parameters["audio_address"]
        if let address {
            guard let url = address.stringValue, !url.isEmpty else {
                return .failure(.invalidParameter("Parameter \"parameters.audio_address\" must be a URL string."))
            }
            guard messages.isEmpty else {
                return .failure(.invalidParameter("With parameters.audio_address, input.messages must be empty."))
            }
            return .success(url)
        }
        guard messages.count == 1, messages[0]["role"]?.stringValue == "user", let content = messages[0]["content"]?.arrayValue,
            content.count == 1, let audio = content[0]["audio"]?.stringValue
        else {
            return .failure(.invalidParameter(
                "Realtime needs parameters.audio_address with empty input.messages, or one user message whose content is [{\"audio\":\"data:...\"}]."))
        }
        guard audio.hasPrefix("data:") else {
            return .failure(.invalidParameter("input.messages[0].content[0].audio must be a data URI (data:<mime>;base64,...)."))
        }
        return .success(audio)
    }

    /// Checks `data:<mime>;base64,<payload>` and the decoded size; returns a cheap seed of the payload.
    private static func inlineAudio(_ uri: String, limit: Int) -> Result<String, SimulatedError> {
        guard let comma = uri.firstIndex(of: ","), uri[..<comma].hasSuffix(";base64") else {
            return .failure(.invalidParameter("Inline audio must be a data URI of the form data:<mime>;base64,<data>."))
        }
        let payload = String(uri[uri.index(after: comma)...])
        let estimated = payload.utf8.count / 4 * 3
        if estimated > limit + 3 { return .failure(.tooLarge) }
        guard let decoded = Data(base64Encoded: payload), !decoded.isEmpty else {
            return .failure(.invalidParameter("Inline audio is not valid base64."))
        }
        if decoded.count > limit { return .failure(.tooLarge) }
        return .success("inline:\(payload.utf8.count):\(payload.prefix(2048))\(payload.suffix(2048))")
    }
}
