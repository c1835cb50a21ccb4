import AsyncHTTPClient
@testable import MicroHTTPServer
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Starts a server on port 0 for one test.
func withServer(_ body: (MicroHTTPServer, EchoHandler, String) async throws -> Void) async throws {
    let handler = EchoHandler()
    let server = MicroHTTPServer(configuration: .init(host: "127.0.0.1", port: 0, hangUpCheckIntervalMilliseconds: 50), handler: handler)
    try server.start()
    #expect(server.port > 0)
    do {
        try await body(server, handler, "http://127.0.0.1:\(server.port)")
    } catch {
        await server.shutdown(drainTimeout: .seconds(1))
        throw error
    }
    await server.shutdown(drainTimeout: .seconds(2))
}

func fetch(_ url: String, method: HTTPMethod = .GET, body: String? = nil, headers: [(String, String)] = []) async throws -> (Int, NIOHTTP1.HTTPHeaders, String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 64 << 20)
    return (Int(response.status.code), response.headers, String(buffer: bytes))
}

@Suite struct MicroHTTPServerTests {
    @Test func echoesMethodQueryHeadersAndBody() async throws {
        try await withServer { _, _, base in
            let (status, headers, body) = try await fetch(
                "\(base)/echo?a=1&b=two%20words&flag", method: .POST, body: "hello", headers: [("X-Probe", "p1")])
            #expect(status == 200)
            #expect(body == "hello")
            #expect(headers.first(name: "X-Method") == "POST")
            #expect(headers.first(name: "X-Query") == "a=1&b=two words&flag=")
            #expect(headers.first(name: "X-Probe") == "p1")
        }
    }

    @Test func bodyOverTheCapGets413AndServerKeepsServing() async throws {
        try await withServer { _, _, base in
            let (status, _, body) = try await fetch("\(base)/small", method: .POST, body: String(repeating: "x", count: 100))
            #expect(status == 413)
            #expect(body == "limit 16")
            let (again, _, _) = try await fetch("\(base)/small", method: .POST, body: "ok")
            #expect(again == 200)
        }
    }

    @Test func streamsChunksInOrder() async throws {
        try await withServer { _, _, base in
            let (status, headers, body) = try await fetch("\(base)/stream?n=50")
            #expect(status == 200)
            #expect(headers.first(name: "Transfer-Encoding") == "chunked")
            #expect(body == (0..<50).map { "part \($0)\n" }.joined())
        }
    }

    @Test func largeStreamPassesThroughBoundedBuffer() async throws {
        try await withServer { _, _, base in
            let (status, _, body) = try await fetch("\(base)/big-stream")
            #expect(status == 200)
            #expect(body.utf8.count == 256 * 16 * 1024)
        }
    }

    @Test func clientThatLeavesCancelsHandlerAndStream() async throws {
        try await withServer { server, handler, base in
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = try? await fetchWithTimeout("\(base)/hang") }
                group.addTask { await readFirstChunkThenLeave("\(base)/hang-stream") }
            }
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(3))
            while handler.cancelled.withLock({ $0 }) < 2, clock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(handler.cancelled.withLock { $0 } == 2)
            let (status, _, _) = try await fetch("\(base)/echo")
            #expect(status == 200)
        }
    }

    @Test func unknownRouteAndUnusualMethods() async throws {
        try await withServer { _, _, base in
            let (status, _, body) = try await fetch("\(base)/nope", method: .DELETE)
            #expect(status == 404)
            #expect(body == "no route")
        }
    }
}

/// Reads the head and then gives up after a short deadline, as an impatient client does.
func fetchWithTimeout(_ url: String) async throws {
    let request = HTTPClientRequest(url: url)
    let response = try await HTTPClient.shared.execute(request, deadline: .now() + .milliseconds(300))
    _ = try await response.body.collect(upTo: 1 << 20)
}

/// Reads the head and the first body chunk, then cancels the request (closing the connection).
func readFirstChunkThenLeave(_ url: String) async {
    let (firstChunk, signal) = AsyncStream<Void>.makeStream()
    let reader = Task {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        for try await _ in response.body {
            signal.yield()
        }
    }
    var iterator = firstChunk.makeAsyncIterator()
    _ = await iterator.next()
    reader.cancel()
    _ = await reader.result
}
