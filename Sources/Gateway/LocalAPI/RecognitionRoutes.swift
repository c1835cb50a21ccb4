import DashScope
import JSON
import MicroHTTPServer

/// `POST /v1/flash` and `POST /v1/realtime`: synchronous recognition, as one JSON or an event stream.
struct RecognitionRoutes: Sendable {
    let client: DashScopeClient
    let region: DashScopeRegion
    let events: EventStream

    var routes: [Route] {
        [
            Route("POST", "/v1/flash", name: "flash", bodyLimit: .audio, streamsBody: RecognitionInput.isRawAudio) {
                try await recognize($0, kind: .flash)
            },
            Route("POST", "/v1/realtime", name: "realtime", bodyLimit: .audio, streamsBody: RecognitionInput.isRawAudio) {
                try await recognize($0, kind: .realtime)
            },
        ]
    }

    func recognize(_ context: RouteContext, kind: RecognitionKind) async throws -> HTTPResponse {
        let request = try await RecognitionInput.parse(context.request, kind: kind)
        if kind == .realtime, region != .beijing {
            throw GatewayError.invalidRequest(
                "Fun-ASR-Realtime over HTTP is served by DashScope in cn-beijing only; this gateway is configured for \(region.rawValue) — use /v1/flash, or run a gateway with DASHSCOPE_REGION=cn-beijing")
        }
        let answer = try await client.recognize(request, context.upstream)
        guard request.stream else {
            var iterator = answer.makeAsyncIterator()
            guard let only = try await iterator.next(), let json = JSONValue.parse(Array(only.data.utf8)) else {
                throw DashScopeError.invalidResponse("DashScope's recognition answer was not JSON")
            }
            return JSONResponse.make(RecognitionResult.local(from: json, model: request.model, fallbackRequestID: context.requestID))
        }
        return events.response(answer, framing: LocalEventFraming(requestID: context.requestID))
    }
}
