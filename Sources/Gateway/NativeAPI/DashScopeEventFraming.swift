import DashScope
import JSON
import ServerSentEvents

/// DashScope's own framing for native clients (`id:1\nevent:result\n:HTTP_STATUS/200\ndata:{…}\n\n`), so the SDKs'
/// parsers read it: events are relayed as DashScope sent them, DashScope's error frame unchanged, and a failure
/// the gateway detects (a cut, a stall, garbage) becomes a DashScope-style `event:error` frame, never a silent cut.
struct DashScopeEventFraming: EventFraming {
    static let serializer = SSESerializer(style: .dashScope)

    /// The gateway's request id, for errors DashScope gave none for.
    let requestID: String
    /// DashScope's request id (its `x-request-id` header, else the first event that names one).
    private var upstreamRequestID: String?
    /// The id an error frame continues with.
    private var nextID = 1

    init(requestID: String, upstreamRequestID: String?) {
        self.requestID = requestID
        self.upstreamRequestID = upstreamRequestID
    }

    let keepAlive: [UInt8] = DashScopeEventFraming.serializer.serializeCommentBlock("keep-alive")

    mutating func event(_ event: ServerSentEvent) throws(GatewayError) -> [UInt8] {
        if let id = event.id.flatMap({ Int($0) }) { nextID = id + 1 } else { nextID += 1 }
        if upstreamRequestID == nil {
            upstreamRequestID = JSONValue.parse(Array(event.data.utf8))?["request_id"]?.stringValue
        }
        return Self.serializer.serialize(event)
    }

    mutating func completed(events: Int) -> [UInt8] { [] }

    mutating func failed(_ error: DashScopeError) -> [UInt8] {
        if case .api(let answer) = error, let frame = answer.frame { return Self.serializer.serialize(frame) }
        return failed(GatewayError.upstream(error))
    }

    /// `id:N\nevent:error\n:HTTP_STATUS/S\ndata:{"code","message","request_id"}\n\n`.
    mutating func failed(_ error: GatewayError) -> [UInt8] {
        var error = error
        error.upstreamRequestID = error.upstreamRequestID ?? upstreamRequestID
        var data = "{}"
        if case .bytes(let body) = ErrorStyle.dashScope.response(for: error, requestID: requestID).body {
            data = String(decoding: body, as: UTF8.self)
        }
        return Self.serializer.serialize(
            ServerSentEvent(id: String(nextID), event: "error", data: data, comments: ["HTTP_STATUS/\(error.status)"]))
    }
}
