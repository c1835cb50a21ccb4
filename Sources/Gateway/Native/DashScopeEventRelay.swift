import JSON
import DashScope
import MicroHTTPServer
import ServerSentEvents
import Synchronization

/// Relays a DashScope event stream to a native client in DashScope's exact framing
/// (`id:1\nevent:result\n:HTTP_STATUS/200\ndata:{…}\n\n`), so the SDKs' own parsers read it; an upstream
/// failure after the head ends the stream with a DashScope-style `event:error` frame, never a silent cut.
struct DashScopeEventRelay: Sendable {
    static let serializer = SSESerializer(style: .dashScope)

    let relay: SSERelay

    init(keepAliveInterval: Duration) {
        relay = SSERelay(keepAliveInterval: keepAliveInterval, keepAliveBlock: Self.serializer.serializeCommentBlock("keep-alive"))
    }

    /// The streamed response: DashScope's status and headers, then every event as it arrives.
    func response(_ stream: UpstreamStream, headers: HTTPHeaders, requestID: String) -> HTTPResponse {
        let relay = relay
        return HTTPResponse(status: stream.status, headers: headers, body: .stream { writer in
            let seen = Mutex(Seen(upstreamRequestID: stream.header("x-request-id")))
            let outcome = await relay.pump(stream.body, to: writer) { event, output in
                seen.withLock { $0.note(event) }
                try await output.write(Self.serializer.serialize(event))
                return .proceed
            }
            let last = seen.withLock { $0 }
            var failure: GatewayError
            switch outcome {
            case .failed(let error, _):
                failure = error
            case .completed, .stopped, .clientGone:
                return
            }
            failure.upstreamRequestID = failure.upstreamRequestID ?? last.upstreamRequestID
            try? await writer.write(Self.errorFrame(failure, id: last.nextID, requestID: requestID))
        })
    }

    /// `id:N\nevent:error\n:HTTP_STATUS/S\ndata:{"code","message","request_id"}\n\n`.
    static func errorFrame(_ error: GatewayError, id: Int, requestID: String) -> [UInt8] {
        var data = "{}"
        if case .bytes(let body) = ErrorStyle.dashScope.response(for: error, requestID: requestID).body {
            data = String(decoding: body, as: UTF8.self)
        }
        return serializer.serialize(
            ServerSentEvent(id: String(id), event: "error", data: data, comments: ["HTTP_STATUS/\(error.status)"]))
    }

    /// What the relay learnt from the events so far: the id the error frame continues with, DashScope's request id.
    struct Seen: Sendable {
        var upstreamRequestID: String?
        var nextID = 1

        mutating func note(_ event: ServerSentEvent) {
            if let id = event.id.flatMap({ Int($0) }) { nextID = id + 1 } else { nextID += 1 }
            if upstreamRequestID == nil {
                upstreamRequestID = JSONValue.parse(Array(event.data.utf8))?["request_id"]?.stringValue
            }
        }
    }
}
