import AsyncHTTPClient
import JSON
import NIOCore
import NIOHTTP1

/// What went wrong with one file, said for a person.
struct TranscribeFailure: Error, Sendable {
    let message: String
}

/// The three local-API calls `transcribe` makes, over the same HTTP client the gateway uses upstream.
final class GatewayAPI: Sendable {
    private let baseURL: String
    private let token: String?
    private let client: HTTPClient

    /// A client for the gateway at `baseURL`, sending `token` as a bearer token when given.
    init(baseURL: String, token: String?) {
        self.baseURL = baseURL
        self.token = token
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(900)))
        configuration.tracing.tracer = nil
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Uploads a file (streamed, `size` bytes) as a raw-audio submit; returns the task id.
    func submit(_ file: AudioFileName, size: Int, body: AudioFileBody, options: TranscribeOptions) async throws -> String {
        var request = HTTPClientRequest(url: baseURL + "/v1/transcriptions?" + TranscribeOptions.encode(options.queryItems(fileName: file.baseName)))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: file.contentType)
        request.body = .stream(body, length: .known(Int64(size)))
        let (status, bytes) = try await send(request)
        guard status == 202, let id = JSONValue.parse(bytes)?["task_id"]?.stringValue else {
            throw Self.failure(status, bytes, doing: "submitting")
        }
        return id
    }

    /// The task view, waiting up to `wait` seconds for it to end.
    func task(_ id: String, wait: Int) async throws -> JSONValue {
        let (status, bytes) = try await send(HTTPClientRequest(url: baseURL + "/v1/transcriptions/\(id)?wait=\(wait)"))
        guard status == 200, let view = JSONValue.parse(bytes) else { throw Self.failure(status, bytes, doing: "checking the job") }
        return view
    }

    /// The finished task's transcript in `format`.
    func transcript(_ id: String, format: TranscriptOutputFormat) async throws -> [UInt8] {
        let (status, bytes) = try await send(
            HTTPClientRequest(url: baseURL + "/v1/transcriptions/\(id)/transcript?format=\(format.rawValue)"))
        guard status == 200 else { throw Self.failure(status, bytes, doing: "fetching the transcript") }
        return bytes
    }

    /// Closes the client's connections.
    func shutdown() async {
        try? await client.shutdown()
    }

    private func send(_ request: HTTPClientRequest) async throws -> (Int, [UInt8]) {
        var request = request
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        do {
            let response = try await client.execute(request, timeout: .seconds(900))
            let body = try await response.body.collect(upTo: 256 << 20)
            return (Int(response.status.code), Array(buffer: body))
        } catch let error as HTTPClientError where error == .connectTimeout || error == .readTimeout || error == .deadlineExceeded {
            throw TranscribeFailure(message: "the gateway at \(baseURL) did not answer in time")
        } catch {
            // Never the client library's own description: it may quote a request header.
            throw TranscribeFailure(message: "cannot reach the gateway at \(baseURL) (is it running? `make run` starts one)")
        }
    }

    /// The gateway's error (`{"error": {"code", "message"}}`) or the bare status, as one sentence.
    private static func failure(_ status: Int, _ body: [UInt8], doing what: String) -> TranscribeFailure {
        let error = JSONValue.parse(body)?["error"]
        if let code = error?["code"]?.stringValue, let message = error?["message"]?.stringValue {
            return TranscribeFailure(message: "\(what) failed: HTTP \(status) \(code): \(message)")
        }
        return TranscribeFailure(message: "\(what) failed: HTTP \(status)")
    }
}
