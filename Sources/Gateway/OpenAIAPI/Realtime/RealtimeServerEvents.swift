import JSON

/// Builds the server events of an OpenAI Realtime transcription session (realtime-websocket.md B4) as JSON. Pure:
/// every event gets the next `event_id` from the counter it is given.
struct RealtimeServerEvents: Sendable {
    /// The prefix of every event and item id of the session (unique per session).
    let prefix: String
    private var counter = 0

    /// Builds events whose ids start with `prefix`.
    init(prefix: String) {
        self.prefix = prefix
    }

    /// A new item id of this session.
    mutating func newItemID() -> String {
        counter += 1
        return "item_\(prefix)\(counter)"
    }

    private mutating func event(_ type: String, _ fields: [String: JSONValue]) -> JSONValue {
        counter += 1
        var members = fields
        members["type"] = .string(type)
        members["event_id"] = .string("event_\(prefix)\(counter)")
        return .object(members)
    }

    /// `session.created` / `transcription_session.created` (or `.updated` with `updated`).
    mutating func session(_ config: RealtimeSessionConfig, updated: Bool) -> JSONValue {
        let base = config.dialect == .ga ? "session" : "transcription_session"
        return event(base + (updated ? ".updated" : ".created"), ["session": config.sessionObject])
    }

    /// `input_audio_buffer.speech_started`.
    mutating func speechStarted(itemID: String, audioStartMs: Int) -> JSONValue {
        event("input_audio_buffer.speech_started", ["item_id": .string(itemID), "audio_start_ms": .number(Double(audioStartMs))])
    }

    /// `input_audio_buffer.speech_stopped`.
    mutating func speechStopped(itemID: String, audioEndMs: Int) -> JSONValue {
        event("input_audio_buffer.speech_stopped", ["item_id": .string(itemID), "audio_end_ms": .number(Double(audioEndMs))])
    }

    /// `input_audio_buffer.committed`.
    mutating func committed(itemID: String, previousItemID: String?) -> JSONValue {
        event("input_audio_buffer.committed", [
            "item_id": .string(itemID), "previous_item_id": previousItemID.map(JSONValue.string) ?? .null,
        ])
    }

    /// `conversation.item.created` (beta) or `conversation.item.added` (GA) for a user audio item.
    mutating func itemCreated(itemID: String, previousItemID: String?, dialect: RealtimeSessionConfig.Dialect) -> JSONValue {
        let item: JSONValue = .object([
            "id": .string(itemID), "object": .string("realtime.item"), "type": .string("message"),
            "status": .string("completed"), "role": .string("user"),
            "content": .array([.object(["type": .string("input_audio"), "transcript": .null])]),
        ])
        return event(dialect == .ga ? "conversation.item.added" : "conversation.item.created", [
            "previous_item_id": previousItemID.map(JSONValue.string) ?? .null, "item": item,
        ])
    }

    /// `conversation.item.input_audio_transcription.delta`.
    mutating func delta(itemID: String, text: String) -> JSONValue {
        event("conversation.item.input_audio_transcription.delta", [
            "item_id": .string(itemID), "content_index": .number(0), "delta": .string(text),
        ])
    }

    /// `conversation.item.input_audio_transcription.completed` with the duration billed for the item.
    mutating func completed(itemID: String, transcript: String, seconds: Double) -> JSONValue {
        event("conversation.item.input_audio_transcription.completed", [
            "item_id": .string(itemID), "content_index": .number(0), "transcript": .string(transcript),
            "usage": .object(["type": .string("duration"), "seconds": .number(seconds)]),
        ])
    }

    /// `conversation.item.input_audio_transcription.failed`.
    mutating func failed(itemID: String, error: RealtimeError) -> JSONValue {
        event("conversation.item.input_audio_transcription.failed", [
            "item_id": .string(itemID), "content_index": .number(0), "error": error.object,
        ])
    }

    /// `input_audio_buffer.cleared`.
    mutating func cleared() -> JSONValue {
        event("input_audio_buffer.cleared", [:])
    }

    /// `error`.
    mutating func error(_ error: RealtimeError) -> JSONValue {
        event("error", ["error": error.object])
    }
}

/// The `error` object of OpenAI's Realtime events: type, code, message, param, and the client event it is about.
struct RealtimeError: Error, Sendable, Equatable {
    /// `invalid_request_error` or `server_error`.
    var type: String
    /// A machine-readable code.
    var code: String
    /// A human-readable message (never a key or token).
    var message: String
    /// The field at fault, if any.
    var param: String?
    /// The client's `event_id` of the event at fault, if any.
    var eventID: String?

    /// The JSON object.
    var object: JSONValue {
        .object([
            "type": .string(type), "code": .string(code), "message": .string(message),
            "param": param.map(JSONValue.string) ?? .null, "event_id": eventID.map(JSONValue.string) ?? .null,
        ])
    }

    /// A client mistake.
    static func invalidRequest(_ code: String, _ message: String, param: String? = nil, eventID: String? = nil) -> Self {
        Self(type: "invalid_request_error", code: code, message: message, param: param, eventID: eventID)
    }

    /// DashScope's `task-failed` (realtime-websocket.md C): `CLIENT_ERROR` is the client's, anything else the server's;
    /// the code is DashScope's.
    static func taskFailed(code: String, message: String) -> Self {
        Self(type: code == "CLIENT_ERROR" ? "invalid_request_error" : "server_error", code: code, message: message)
    }
}
