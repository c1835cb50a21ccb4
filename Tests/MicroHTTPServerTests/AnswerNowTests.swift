import AsyncHTTPClient
@testable import MicroHTTPServer
import Synchronization
import Testing

/// Answers `/now` from `answerNow(_:)` (recording the thread it ran on) and everything else from `handle(_:)`.
private final class ImmediateHandler: HTTPHandler {
    let handled = Atomic<Int>(0)
    let answeredNow = Atomic<Int>(0)

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 20 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse {
        HTTPResponse(status: 413, contentType: "text/plain", text: "too large")
    }

    func answerNow(_ request: HTTPRequest) -> HTTPResponse? {
        guard request.head.path == "/now" else { return nil }
        answeredNow.add(1, ordering: .relaxed)
        return HTTPResponse(status: 200, contentType: "text/plain", text: "now \(request.body.count)")
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        handled.add(1, ordering: .relaxed)
        return HTTPResponse(status: 200, contentType: "text/plain", text: "later \(request.body.count)")
    }
}

/// `HTTPHandler.answerNow(_:)`: a complete request answered at once, without the handler task, on a kept-alive
/// connection; other requests still reach `handle(_:)`.
@Suite struct AnswerNowTests {
    @Test func anImmediateAnswerSkipsTheHandlerTaskAndTheConnectionGoesOn() async throws {
        let handler = ImmediateHandler()
        let server = MicroHTTPServer(configuration: .init(host: "127.0.0.1", port: 0, bodyMemoryLimit: 4 << 10), handler: handler)
        try server.start()
        do {
            try await postBodyRounds(port: server.port, paths: ["/now", "/later"]) { path in path == "/now" ? "now" : "later" }
            #expect(handler.answeredNow.load(ordering: .relaxed) == 3)
            #expect(handler.handled.load(ordering: .relaxed) == 3, "/now never reached handle(_:)")
        } catch {
            await server.shutdown(drainTimeout: .seconds(1))
            throw error
        }
        await server.shutdown(drainTimeout: .seconds(1))
    }
}
