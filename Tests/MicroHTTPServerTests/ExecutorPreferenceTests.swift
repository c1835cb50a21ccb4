import AsyncHTTPClient
import Dispatch
@testable import MicroHTTPServer
import Synchronization
import Testing

/// A task executor that counts the jobs it runs (on Dispatch's global queue).
private final class CountingExecutor: TaskExecutor {
    let jobs = Atomic<Int>(0)

    func enqueue(_ job: consuming ExecutorJob) {
        jobs.add(1, ordering: .relaxed)
        let job = UnownedJob(job)
        DispatchQueue.global().async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Sends `/preferred` requests' handlers to the counting executor, every other request's to the default pool.
private struct PreferringHandler: HTTPHandler {
    let executor: CountingExecutor

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 20 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse {
        HTTPResponse(status: 413, contentType: "text/plain", text: "too large")
    }

    func decide(_ head: HTTPRequestHead) -> HeadDecision {
        .proceed(admission: nil, executor: head.path == "/preferred" ? executor : nil)
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        await Task.yield()
        return HTTPResponse(status: 200, contentType: "text/plain", text: "body \(request.body.count)")
    }
}

/// `HeadDecision.proceed(executor:)`: the handler's task runs on the executor decided from the head.
@Suite struct ExecutorPreferenceTests {
    @Test func aHandlerRunsOnTheExecutorItsHeadDecisionNamed() async throws {
        let executor = CountingExecutor()
        let server = MicroHTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: PreferringHandler(executor: executor))
        try server.start()
        do {
            try await exercise(server, executor)
        } catch {
            await server.shutdown(drainTimeout: .seconds(1))
            throw error
        }
        await server.shutdown(drainTimeout: .seconds(1))
    }

    private func exercise(_ server: MicroHTTPServer, _ executor: CountingExecutor) async throws {
        var other = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/other")
        other.method = .POST
        other.body = .bytes(Array("abc".utf8))
        let otherAnswer = try await HTTPClient.shared.execute(other, timeout: .seconds(30))
        #expect(otherAnswer.status.code == 200)
        #expect(String(buffer: try await otherAnswer.body.collect(upTo: 1024)) == "body 3")
        #expect(executor.jobs.load(ordering: .relaxed) == 0, "a request without a preference stays on the default pool")
        var preferred = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/preferred")
        preferred.method = .POST
        preferred.body = .bytes(Array("abcd".utf8))
        let answer = try await HTTPClient.shared.execute(preferred, timeout: .seconds(30))
        #expect(answer.status.code == 200)
        #expect(String(buffer: try await answer.body.collect(upTo: 1024)) == "body 4")
        #expect(executor.jobs.load(ordering: .relaxed) >= 2, "the handler started and resumed after its yield there")
    }
}
