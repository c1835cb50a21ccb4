import FoundationEssentials
import JSON

/// One client event of an OpenAI Realtime transcription session (realtime-websocket.md B2–B3), parsed. Pure.
enum RealtimeClientEvent: Sendable, Equatable {
    /// `session.update` (GA) with its `session` object.
    case sessionUpdate(JSONValue)
    /// `transcription_session.update` (beta) with its `session` object.
    case transcriptionSessionUpdate(JSONValue)
    /// `input_audio_buffer.append`: the decoded PCM16 bytes.
    case append([UInt8])
    /// `input_audio_buffer.commit`.
    case commit
    /// `input_audio_buffer.clear`.
    case clear
    /// Anything the bridge cannot take: an OpenAI error to answer with (the session stays open).
    case invalid(type: String, eventID: String?, code: String, message: String, param: String?)

    /// The client's `event_id`, echoed in an error about the event.
    static func eventID(_ json: JSONValue?) -> String? { json?["event_id"]?.stringValue }

    /// Parses one text message.
    init(_ text: some Collection<UInt8>) {
        guard let json = JSONValue.parse(text), json.objectValue != nil else {
            self = .invalid(type: "", eventID: nil, code: "invalid_json", message: "the event is not a JSON object", param: nil)
            return
        }
        let type = json["type"]?.stringValue ?? ""
        let eventID = Self.eventID(json)
        switch type {
        case "session.update", "transcription_session.update":
            guard let session = json["session"], session.objectValue != nil else {
                self = .invalid(
                    type: type, eventID: eventID, code: "missing_required_parameter",
                    message: "\(type) needs a 'session' object", param: "session")
                return
            }
            self = type == "session.update" ? .sessionUpdate(session) : .transcriptionSessionUpdate(session)
        case "input_audio_buffer.append":
            guard let audio = json["audio"]?.stringValue, let bytes = Data(base64Encoded: audio) else {
                self = .invalid(
                    type: type, eventID: eventID, code: "invalid_value",
                    message: "'audio' must be base64-encoded PCM16", param: "audio")
                return
            }
            self = .append(Array(bytes))
        case "input_audio_buffer.commit":
            self = .commit
        case "input_audio_buffer.clear":
            self = .clear
        case "":
            self = .invalid(
                type: type, eventID: eventID, code: "missing_required_parameter", message: "the event has no 'type'",
                param: "type")
        default:
            self = .invalid(
                type: type, eventID: eventID, code: "invalid_value",
                message: "'\(type)' is not supported on a transcription session", param: "type")
        }
    }
}
