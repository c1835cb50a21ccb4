import MicroHTTPServer

/// Flash and Realtime over HTTP (§6, §7): one JSON, or an SSE stream when `X-DashScope-SSE: enable`.
enum GenerationEndpoint {
    /// The Content-Type of DashScope streams.
    static let eventStreamType = "text/event-stream;charset=UTF-8"

    /// Validates and answers; `faults` shape the stream. `ossObject(url, model)` says whether a temporary upload
    /// answers to an `oss://` audio URL (usable only with `X-DashScope-OssResourceResolve: enable`, §5).
    static func respond(
        to request: HTTPRequest, requestID: String, streaming: Bool, faults: AppliedFaults,
        configuration: SimulatorConfiguration, sleep: @escaping SimulatorSleep,
        ossObject: (String, String) -> Bool = { _, _ in false }
    ) -> HTTPResponse {
        if request.head.headers["X-DashScope-Async"]?.lowercased() == "enable" {
            return SimulatedError.asyncNotSupported.response(requestID: requestID)
        }
        let parsed: GenerationRequest
        switch GenerationRequest.parse(request.body, maxInlineAudioBytes: configuration.maxInlineAudioBytes) {
        case .failure(let error): return error.response(requestID: requestID)
        case .success(let value): parsed = value
        }
        if parsed.audioSeed.lowercased().hasPrefix("oss://") {
            guard request.head.headers["X-DashScope-OssResourceResolve"]?.lowercased() == "enable" else {
                return SimulatedError.invalidURL.response(requestID: requestID)
            }
            guard ossObject(parsed.audioSeed, parsed.model) else {
                return SimulatedError.downloadFailed(parsed.audioSeed).response(requestID: requestID)
            }
        }
        let transcript = RecognitionPayloads.transcript(for: parsed)
        guard streaming, !faults.plainJSON else {
            let body = RecognitionPayloads.singleResponse(transcript, requestID: requestID)
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "application/json", "x-request-id": requestID],
                body: .bytes(Array(body.utf8)))
        }
        let stream = SSEStream(
            payloads: RecognitionPayloads.streamPayloads(transcript, requestID: requestID),
            requestID: requestID, interval: configuration.eventInterval, faults: faults)
        return HTTPResponse(
            status: 200,
            headers: ["Content-Type": eventStreamType, "Cache-Control": "no-cache", "x-request-id": requestID],
            body: .stream { writer in await stream.play(on: writer, sleep: sleep) })
    }
}
