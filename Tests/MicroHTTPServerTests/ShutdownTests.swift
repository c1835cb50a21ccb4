import AsyncHTTPClient
@testable import MicroHTTPServer
import NIOCore
import Synchronization
import Testing

/// Handlers that ignore cancellation: they hold their connection suspended until the test releases them.
final class StubbornHandler: HTTPHandler {
    private let parked = Mutex<[CheckedContinuation<Void, Never>]>([])
    let started = Mutex(0)

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 20 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse { HTTPResponse(status: 413) }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if request.head.path == "/stream" {
            return HTTPResponse(status: 200, body: .stream { [self] writer in
                try? await writer.write("first\n")
                await park()
            })
        }
        await park()
        return HTTPResponse(status: 200, contentType: "text/plain", text: "late")
    }

    private func park() async {
        await withCheckedContinuation { continuation in
            parked.withLock { $0.append(continuation) }
            started.withLock { $0 += 1 }
        }
    }

    /// Lets every parked handler return.
    func release() {
        for continuation in parked.withLock({ list in defer { list = [] }; return list }) { continuation.resume() }
    }
}

@Suite struct ShutdownTests {
    @Test func pastTheDrainDeadlineSuspendedRequestsAndStreamsAreEndedBeforeTheDaemonStops() async throws {
        let handler = StubbornHandler()
        let server = MicroHTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: handler)
        try server.start()
        let base = "http://127.0.0.1:\(server.port)"
        // A stream whose producer waits (reader suspended, nothing to send) and a request waiting for its handler.
        let stream = Task {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/stream"), timeout: .seconds(30))
            var received: [UInt8] = []
            do {
                for try await chunk in response.body { received += Array(buffer: chunk) }
                return (String(decoding: received, as: UTF8.self), "ended")
            } catch {
                return (String(decoding: received, as: UTF8.self), "cut")
            }
        }
        let waiting = Task {
            try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/wait"), timeout: .seconds(30)).status.code
        }
        while handler.started.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.activeRequests == 2)
        // Stopping libmicrohttpd with a suspended connection panics the process: shutdown must end them first.
        await server.shutdown(drainTimeout: .milliseconds(200))
        #expect(server.activeRequests == 0)
        let (text, how) = try await stream.value
        #expect(text.hasPrefix("first"))
        #expect(how == "cut", "the stream was not cut (no chunked terminator expected)")
        #expect(try await waiting.value == 503)
        handler.release()
    }
}
