import JSON
import DashScope
import MicroHTTPServer
import ServerSentEvents
import Synchronization

/// `POST /v1/flash` and `POST /v1/realtime`: synchronous recognition, as one JSON or an event stream.
struct RecognitionRoutes: Sendable {
    static let generationPath = "/api/v1/services/aigc/multimodal-generation/generation"

    let upstream: UpstreamCalls
    let region: DashScopeRegion
    let relay: SSERelay

    var routes: [Route] {
        [
            Route("POST", "/v1/flash", name: "flash", bodyLimit: .audio) { try await recognize($0, kind: .flash) },
            Route("POST", "/v1/realtime", name: "realtime", bodyLimit: .audio) { try await recognize($0, kind: .realtime) },
        ]
    }

    func recognize(_ context: RouteContext, kind: RecognitionKind) async throws -> HTTPResponse {
        let request = try RecognitionInput.parse(context.request, kind: kind)
        if kind == .realtime, region != .beijing {
            throw GatewayError.invalidRequest(
                "Fun-ASR-Realtime over HTTP is served by DashScope in cn-beijing only; this gateway is configured for \(region.rawValue) — use /v1/flash, or run a gateway with DASHSCOPE_REGION=cn-beijing")
        }
        var headers: [(name: String, value: String)] = [("X-DashScope-SSE", request.stream ? "enable" : "disable")]
        if request.needsOssResolve { headers.append(("X-DashScope-OssResourceResolve", "enable")) }
        let call = UpstreamRequest.json(Self.generationPath, body: request.upstreamBody.serialized(), headers: headers)
        guard request.stream else {
            let response = try await upstream.send(call, context)
            guard let answer = JSONValue.parse(response.body) else {
                throw DashScopeError.invalidResponse("DashScope's recognition answer was not JSON")
            }
            return JSONResponse.make(RecognitionResult.local(from: answer, model: request.model, fallbackRequestID: context.requestID))
        }
        let stream = try await upstream.openStream(call, context)
        return eventStream(stream, requestID: context.requestID)
    }

    /// Relays an upstream stream in the local framing, always ending with `done` or `error`.
    func eventStream(_ stream: UpstreamStream, requestID: String) -> HTTPResponse {
        let isSSE = stream.header("Content-Type")?.lowercased().contains("text/event-stream") == true
        return HTTPResponse(status: 200, headers: HTTPHeaders(LocalEventStream.headers.map { ($0.0, $0.1) }), body: .stream { writer in
            if !isSSE {
                await Self.relayPlainJSON(stream, writer: writer, requestID: requestID)
                return
            }
            let upstreamRequestID = Mutex<String?>(nil)
            let outcome = await relay.pump(stream.body, to: writer) { event, output in
                if event.event == "error" {
                    let error = RecognitionResult.errorFromFrame(data: event.data, comments: event.comments, fallbackStatus: 500)
                    try await output.write(LocalEventStream.error(error, requestID: requestID))
                    return .stop
                }
                // DashScope repeats one request_id in every event: parse (costly, ~0.3 ms) only until it is known.
                if upstreamRequestID.withLock({ $0 == nil }),
                   let id = JSONValue.parse(Array(event.data.utf8))?["request_id"]?.stringValue {
                    upstreamRequestID.withLock { $0 = id }
                }
                try await output.write(LocalEventStream.result(event))
                return .proceed
            }
            let lastID = upstreamRequestID.withLock { $0 }
            switch outcome {
            case .completed(let events):
                try? await writer.write(LocalEventStream.done(requestID: lastID, events: events))
            case .failed(var error, _):
                error.upstreamRequestID = error.upstreamRequestID ?? lastID
                try? await writer.write(LocalEventStream.error(error, requestID: requestID))
            case .stopped, .clientGone:
                break
            }
        })
    }

    /// An upstream that answered one JSON although SSE was asked: one `result` event, then `done`.
    private static func relayPlainJSON(_ stream: UpstreamStream, writer: ResponseBodyWriter, requestID: String) async {
        var body: [UInt8] = []
        do {
            for try await chunk in stream.body {
                body += chunk
                if body.count > 8 << 20 { break }
            }
        } catch {
            try? await writer.write(LocalEventStream.error(SSERelay.midStream(DashScopeClient.classify(error)), requestID: requestID))
            return
        }
        guard let json = JSONValue.parse(body) else {
            try? await writer.write(LocalEventStream.error(
                SSERelay.invalid("DashScope answered neither an event stream nor JSON"), requestID: requestID))
            return
        }
        let event = ServerSentEvent(id: "1", event: "result", data: String(decoding: body, as: UTF8.self))
        try? await writer.write(LocalEventStream.result(event))
        try? await writer.write(LocalEventStream.done(requestID: json["request_id"]?.stringValue, events: 1))
    }
}
