import AsyncHTTPClient
@testable import MicroHTTPServer
import Synchronization
import Testing

/// Answers `/sync` from inside `answerLater` (before it returns), `/other` from another thread afterwards, `/never`
/// not until told, and everything else from `handle(_:)`.
private final class CallbackHandler: HTTPHandler {
    let handled = Atomic<Int>(0)
    let started = Atomic<Int>(0)
    /// The reply of a `/never` request, kept for the test to call, and its arrival.
    let parked = Mutex<(@Sendable (HTTPResponse) -> Void)?>(nil)
    let parkedSignal = AsyncStream<Void>.makeStream()

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 20 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse {
        HTTPResponse(status: 413, contentType: "text/plain", text: "too large")
    }

    func answerLater(_ request: HTTPRequest, reply: @escaping @Sendable (HTTPResponse) -> Void) -> Bool {
        let text = "callback \(request.body.count)"
        switch request.head.path {
        case "/sync":
            started.add(1, ordering: .relaxed)
            reply(HTTPResponse(status: 200, contentType: "text/plain", text: text))
        case "/other":
            started.add(1, ordering: .relaxed)
            Task.detached { reply(HTTPResponse(status: 200, contentType: "text/plain", text: text)) }
        case "/never":
            started.add(1, ordering: .relaxed)
            parked.withLock { $0 = reply }
            parkedSignal.continuation.yield()
        default:
            return false
        }
        return true
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        handled.add(1, ordering: .relaxed)
        return HTTPResponse(status: 200, contentType: "text/plain", text: "task \(request.body.count)")
    }
}

/// `HTTPHandler.answerLater`: a request answered from a callback, on any thread, with the connection suspended
/// meanwhile and kept alive after; a reply that comes after the client left changes nothing.
@Suite struct AnswerLaterTests {
    @Test func aCallbackAnswerFromAnyThreadResumesTheConnectionWithoutTheHandlerTask() async throws {
        let handler = CallbackHandler()
        let server = MicroHTTPServer(configuration: .init(host: "127.0.0.1", port: 0, bodyMemoryLimit: 4 << 10), handler: handler)
        try server.start()
        do {
            try await postBodyRounds(port: server.port, paths: ["/sync", "/other", "/task"]) { path in path == "/task" ? "task" : "callback" }
            #expect(handler.started.load(ordering: .relaxed) == 6)
            #expect(handler.handled.load(ordering: .relaxed) == 3, "callback answers never reached handle(_:)")
        } catch {
            await server.shutdown(drainTimeout: .seconds(1))
            throw error
        }
        await server.shutdown(drainTimeout: .seconds(1))
    }

    @Test func aReplyAfterTheClientLeftIsDroppedAndTheServerServesOn() async throws {
        let handler = CallbackHandler()
        let server = MicroHTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: handler)
        try server.start()
        do {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/never")
            let call = Task { try await HTTPClient.shared.execute(request, timeout: .seconds(30)) }
            for await _ in handler.parkedSignal.stream { break }
            call.cancel()  // the client leaves while the answer is pending
            await #expect(throws: (any Error).self) { _ = try await call.value }
            let reply = try #require(handler.parked.withLock { $0 })
            reply(HTTPResponse(status: 200, contentType: "text/plain", text: "too late"))
            let answer = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/sync"), timeout: .seconds(30))
            #expect(answer.status.code == 200)
        } catch {
            await server.shutdown(drainTimeout: .seconds(1))
            throw error
        }
        await server.shutdown(drainTimeout: .seconds(1))
    }
}
