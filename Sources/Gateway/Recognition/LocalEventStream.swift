import JSON
import DashScope
import ServerSentEvents

/// The local API's event framing: `result` events carrying DashScope's JSON unchanged, then exactly
/// one terminal `done` or `error` event.
enum LocalEventStream {
    static let serializer = SSESerializer(style: .standard)

    /// A `result` event with DashScope's id and payload.
    static func result(_ upstream: ServerSentEvent) -> [UInt8] {
        serializer.serialize(ServerSentEvent(id: upstream.id, event: "result", data: upstream.data))
    }

    /// The terminal `done` event.
    static func done(requestID: String?, events: Int) -> [UInt8] {
        let data: JSONValue = .object([
            "request_id": requestID.map(JSONValue.string) ?? .null, "events": .number(Double(events)),
        ])
        return serializer.serialize(ServerSentEvent(event: "done", data: String(decoding: data.serialized(), as: UTF8.self)))
    }

    /// The terminal `error` event in the local error shape.
    static func error(_ error: GatewayError, requestID: String) -> [UInt8] {
        let data: JSONValue = .object(["error": .object([
            "code": .string(error.code), "message": .string(error.message),
            "request_id": .string(error.upstreamRequestID ?? requestID),
        ])])
        return serializer.serialize(ServerSentEvent(event: "error", data: String(decoding: data.serialized(), as: UTF8.self)))
    }

    /// The response headers of every local event stream.
    static let headers: [(String, String)] = [
        ("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache"), ("X-Accel-Buffering", "no"),
    ]
}
