import DashScope
import JSON
import ServerSentEvents

/// The local API's event framing: `result` events carrying DashScope's id and JSON unchanged, then exactly one
/// terminal `done` (`{"request_id", "events"}`) or `error` (the local error shape).
struct LocalEventFraming: EventFraming {
    static let serializer = SSESerializer(style: .standard)

    /// The gateway's request id, for errors DashScope gave none for.
    let requestID: String
    /// DashScope's request id, read from the first event that has one (DashScope repeats it in every event, and
    /// parsing each event's JSON only for it cost more than the rest of the relay).
    private var upstreamRequestID: String?

    init(requestID: String) {
        self.requestID = requestID
    }

    let keepAlive: [UInt8] = Array(": keep-alive\n\n".utf8)

    mutating func event(_ event: ServerSentEvent) throws(GatewayError) -> [UInt8] {
        if upstreamRequestID == nil {
            upstreamRequestID = JSONValue.parse(Array(event.data.utf8))?["request_id"]?.stringValue
        }
        return Self.serializer.serialize(ServerSentEvent(id: event.id, event: "result", data: event.data))
    }

    mutating func completed(events: Int) -> [UInt8] {
        let data: JSONValue = .object([
            "request_id": upstreamRequestID.map(JSONValue.string) ?? .null, "events": .number(Double(events)),
        ])
        return Self.serializer.serialize(ServerSentEvent(event: "done", data: String(decoding: data.serialized(), as: UTF8.self)))
    }

    mutating func failed(_ error: DashScopeError) -> [UInt8] {
        failed(GatewayError.upstream(error))
    }

    mutating func failed(_ error: GatewayError) -> [UInt8] {
        let data: JSONValue = .object(["error": .object([
            "code": .string(error.code), "message": .string(error.message),
            "request_id": .string(error.upstreamRequestID ?? upstreamRequestID ?? requestID),
        ])])
        return Self.serializer.serialize(ServerSentEvent(event: "error", data: String(decoding: data.serialized(), as: UTF8.self)))
    }
}
