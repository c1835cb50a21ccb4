import JSON
import DashScope
import FoundationEssentials
import MicroHTTPServer
import ServerSentEvents

/// Upstream calls made on behalf of one request: adds the request id, records the trace, decodes.
struct UpstreamCalls: Sendable {
    let client: DashScopeClient
    /// Counts upstream errors by code (nil in unit tests that need no metrics).
    var metrics: GatewayMetrics?

    /// Sends a call and returns the 2xx answer; any other answer throws its `DashScopeError`.
    func send(_ request: UpstreamRequest, _ context: RouteContext) async throws -> UpstreamResponse {
        var request = request
        request.headers.append((name: "X-Request-Id", value: context.requestID))
        do {
            let response = try await client.send(request)
            context.trace.recordUpstream(response.duration, requestID: response.requestID)
            if let error = response.error { throw error }
            return response
        } catch {
            countUpstreamError(error)
            throw error
        }
    }

    /// Counts an upstream failure by code; a client that left is not one.
    private func countUpstreamError(_ error: any Error) {
        let code = GatewayError.from(error).code
        if code != GatewayError.upstream(.cancelled).code { metrics?.upstreamError(code: code) }
    }

    /// Opens a streamed call; a non-2xx head is read (bounded) and thrown as its DashScope error.
    func openStream(_ request: UpstreamRequest, _ context: RouteContext) async throws -> UpstreamStream {
        var request = request
        request.headers.append((name: "X-Request-Id", value: context.requestID))
        let started = ContinuousClock.now
        let stream: UpstreamStream
        do {
            stream = try await client.stream(request)
        } catch {
            countUpstreamError(error)
            throw error
        }
        let requestID = stream.header("x-request-id")
        context.trace.recordUpstream(ContinuousClock.now - started, requestID: requestID)
        guard (200..<300).contains(stream.status) else {
            var body: [UInt8] = []
            for try await chunk in stream.body {
                body += chunk
                if body.count >= 64 * 1024 { break }
            }
            let error = Self.errorFromFailedStream(status: stream.status, body: body, stream: stream)
            countUpstreamError(error)
            throw error
        }
        return stream
    }

    /// The error of a non-2xx answer to a streamed call: an SSE error frame or DashScope's error JSON.
    static func errorFromFailedStream(status: Int, body: [UInt8], stream: UpstreamStream) -> GatewayError {
        var error: GatewayError
        if stream.header("Content-Type")?.contains("text/event-stream") == true {
            var parser = SSEParser()
            let events = ((try? parser.feed(body)) ?? []) + [parser.finish()].compactMap { $0 }
            if let frame = events.first {
                error = RecognitionResult.errorFromFrame(data: frame.data, comments: frame.comments, fallbackStatus: status)
                error.status = status
            } else {
                error = GatewayError.upstream(DashScopeError.fromErrorAnswer(status: status, body: body, headerRequestID: stream.header("x-request-id")))
            }
        } else {
            error = GatewayError.upstream(DashScopeError.fromErrorAnswer(status: status, body: body, headerRequestID: stream.header("x-request-id")))
        }
        if let retryAfter = stream.header("Retry-After") { error.headers.append(("Retry-After", retryAfter)) }
        return error
    }

    /// Decodes a 2xx answer as `T`, or throws `invalidResponse`.
    func decode<T: Decodable>(_ type: T.Type, from response: UpstreamResponse) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw DashScopeError.invalidResponse("DashScope's answer did not have the expected shape (\(T.self))")
        }
    }

    /// Queries a task.
    func queryTask(_ id: String, _ context: RouteContext) async throws -> TaskQueryResponse {
        let response = try await send(UpstreamRequest(method: "GET", path: "/api/v1/tasks/\(id)"), context)
        guard let json = JSONValue.parse(response.body), let task = try? TaskQueryResponse(json: json) else {
            throw DashScopeError.invalidResponse("DashScope's answer did not have the expected shape (TaskQueryResponse)")
        }
        return task
    }

    /// Downloads a result document without the key, only from allowed hosts.
    func downloadResult(_ url: String, policy: ResultURLPolicy, _ context: RouteContext) async throws -> [UInt8] {
        guard policy.allows(url) else {
            throw GatewayError(
                status: 502, code: "result_url_refused",
                message: "DashScope returned a result URL on a host the gateway does not fetch from")
        }
        let response = try await client.fetchUnauthenticated(url)
        context.trace.recordUpstream(response.duration, requestID: nil)
        guard response.isSuccess else {
            if response.status == 403 || response.status == 404 {
                throw GatewayError(
                    status: 410, code: "result_expired",
                    message: "the result document is no longer available (DashScope keeps results for 24 hours)")
            }
            throw GatewayError(
                status: 502, code: "result_download_failed",
                message: "downloading the result document failed with HTTP \(response.status)")
        }
        return response.body
    }
}

/// JSON response helpers.
enum JSONResponse {
    /// A JSON body with the given status.
    static func make(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var all = headers
        all.replace("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: all, body: .bytes(value.serialized()))
    }

    /// The request body parsed as a JSON object, or a 400.
    static func object(from body: [UInt8]) throws -> [String: JSONValue] {
        guard !body.isEmpty else { throw GatewayError.invalidRequest("the request body must be a JSON object") }
        guard let value = JSONValue.parse(body) else {
            throw GatewayError(status: 400, code: "invalid_json", message: "the request body is not valid JSON")
        }
        guard let object = value.objectValue else {
            throw GatewayError.invalidRequest("the request body must be a JSON object")
        }
        return object
    }
}
