@testable import DashScope
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// The NIO whole-answer transport on a real socket against a scripted upstream: keep-alive reuse, what it sends,
/// and every way a channel must not be reused (Connection: close, a 5xx, a cap passed, a timeout, a cut).
@Suite struct NIOWholeAnswerClientTests {
    static func ok(_ body: String, extra: String = "") -> String {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-request-id: up-1\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)"
    }

    /// Runs `body` with a client on a one-loop group (so that every call shares one pool) aimed at `upstream`
    /// (`http://127.0.0.1` unless `scheme` and `host` say otherwise; `tls` in place of the system trust store).
    static func withClient(
        _ upstream: ScriptedUpstream, scheme: String = "http", host: String = "127.0.0.1", tls: TLSConfiguration? = nil,
        _ body: (NIOWholeAnswerClient) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let endpoint = try DashScopeEndpoint(region: .beijing, baseURL: "\(scheme)://\(host):\(upstream.port)")
        let client = NIOWholeAnswerClient(endpoint: endpoint, connectTimeout: .seconds(10), group: group, tlsConfiguration: tls)
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        await client.shutdown()
        try await group.shutdownGracefully()
        await upstream.shutdown()
    }

    static func call(
        _ client: NIOWholeAnswerClient, _ method: String = "GET", path: String = "/api/v1/tasks/t1", body: String? = nil,
        timeout: Duration = .seconds(30), maxBodyBytes: Int = 1 << 20
    ) async -> Result<UpstreamResponse, TransportFailure> {
        let request = UpstreamRequest(
            method: method, path: path, query: method == "GET" ? [("page_no", "1")] : [],
            headers: [("X-DashScope-Async", "enable"), ("Authorization", "Bearer client-token"), ("Content-Length", "999")],
            body: body.map { Array($0.utf8) })
        do throws(TransportFailure) {
            return .success(try await client.send(request, authorization: "Bearer sk-k", maxBodyBytes: maxBodyBytes, timeout: timeout))
        } catch {
            return .failure(error)
        }
    }

    @Test func sequentialCallsShareOneKeepAliveChannelAndCarryTheKeyHostAndLength() async throws {
        let upstream = try await ScriptedUpstream { index, _ in .bytes(Self.ok(#"{"n":\#(index)}"#)) }
        try await Self.withClient(upstream) { client in
            for index in 0..<3 {
                let response = try await Self.call(client).get()
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == #"{"n":\#(index)}"#)
                #expect(response.header("X-Request-Id") == "up-1")
            }
            let posted = try await Self.call(client, "POST", path: "/api/v1/tasks/t1/cancel", body: #"{"a":1}"#).get()
            #expect(posted.status == 200)
            let empty = try await Self.call(client, "POST", path: "/api/v1/tasks/t2/cancel").get()
            #expect(empty.status == 200)
            #expect(upstream.connections == 1)
            let received = upstream.received
            #expect(received.count == 5)
            let get = try #require(received.first)
            #expect(get.head.uri == "/api/v1/tasks/t1?page_no=1")
            #expect(get.head.headers["Host"] == ["127.0.0.1:\(upstream.port)"])
            #expect(get.head.headers["Authorization"] == ["Bearer sk-k"], "the caller's Authorization never travels")
            #expect(get.head.headers["X-DashScope-Async"] == ["enable"])
            #expect(get.head.headers["Content-Length"].isEmpty && get.head.headers["Transfer-Encoding"].isEmpty)
            #expect(received[3].head.headers["Content-Length"] == ["7"] && received[3].body == #"{"a":1}"#)
            #expect(received[4].head.headers["Content-Length"] == ["0"] && received[4].body.isEmpty)
        }
    }

    @Test(arguments: [
        ("X-DashScope-Note", "a\r\nX-Injected: 1"), ("X-DashScope-Note", "bare\rcarriage"), ("X Bad", "v"),
        ("X-DashScope-Note", "nul\u{0}byte"),
    ])
    func aHeadThatCouldEndALineIsNeverSentAndTheNextCallStillWorks(_ name: String, _ value: String) async throws {
        let upstream = try await ScriptedUpstream { _, _ in .bytes(Self.ok("{}")) }
        try await Self.withClient(upstream) { client in
            let bad = UpstreamRequest(method: "GET", path: "/api/v1/tasks/t1", headers: [(name, value)])
            do throws(TransportFailure) {
                _ = try await client.send(bad, authorization: "Bearer sk-k", maxBodyBytes: 1 << 20, timeout: .seconds(30))
                Issue.record("a head with \(name.debugDescription): \(value.debugDescription) was sent")
            } catch {
                #expect(!"\(error.error)".contains("sk-k"))
            }
            #expect(await Self.call(client).response?.status == 200)
            #expect(upstream.received.count == 1, "only the good call reached the upstream")
            #expect(upstream.received.allSatisfy { $0.head.headers["X-Injected"].isEmpty })
        }
    }

    @Test func aConnectionCloseAnswerAndA5xxAnswerAreNotReused() async throws {
        let upstream = try await ScriptedUpstream { index, _ in
            switch index {
            case 0: .bytes(Self.ok("{}", extra: "Connection: close\r\n"))
            case 1: .bytes("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 2\r\n\r\n{}")
            default: .bytes(Self.ok("{}"))
            }
        }
        try await Self.withClient(upstream) { client in
            #expect(await Self.call(client).response?.status == 200)
            let unavailable = try await Self.call(client).get()
            #expect(unavailable.status == 503 && unavailable.header("retry-after") == "2")
            #expect(await Self.call(client).response?.status == 200)
            #expect(await Self.call(client).response?.status == 200)
            #expect(upstream.received.map(\.connection) == [1, 2, 3, 3])
        }
    }

    @Test func anAnswerPastTheCapFailsAsTooLargeWithOrWithoutALengthAndItsChannelIsDropped() async throws {
        let upstream = try await ScriptedUpstream { index, _ in
            switch index {
            case 0: .bytes(Self.ok(String(repeating: "x", count: 40)))
            case 1: .bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n14\r\n\(String(repeating: "y", count: 20))\r\n14\r\n\(String(repeating: "y", count: 20))\r\n0\r\n\r\n")
            default: .bytes(Self.ok(String(repeating: "z", count: 32)))
            }
        }
        try await Self.withClient(upstream) { client in
            for _ in 0..<2 {
                guard case .failure(let failure) = await Self.call(client, maxBodyBytes: 32) else {
                    Issue.record("an answer past the cap must fail")
                    return
                }
                #expect(failure.bodyTooLarge && !failure.sentNothing)
            }
            let exact = try await Self.call(client, maxBodyBytes: 32).get()
            #expect(exact.body.count == 32)
            #expect(upstream.received.map(\.connection) == [1, 2, 3])
        }
    }

    @Test func aSilentUpstreamTimesOutAndItsChannelIsNotReused() async throws {
        let upstream = try await ScriptedUpstream { index, _ in index == 0 ? .silence : .bytes(Self.ok("{}")) }
        try await Self.withClient(upstream) { client in
            guard case .failure(let failure) = await Self.call(client, timeout: .milliseconds(300)) else {
                Issue.record("a silent upstream must time out")
                return
            }
            #expect(failure.error == .timeout && !failure.sentNothing)
            #expect(await Self.call(client).response?.status == 200)
            #expect(upstream.received.map(\.connection) == [1, 2])
        }
    }

    @Test func aBodyCutShortIsAFailureAndABodyEndedByCloseIsAnAnswer() async throws {
        let upstream = try await ScriptedUpstream { index, _ in
            switch index {
            case 0: .bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", thenClose: true)
            default: .bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close", thenClose: true)
            }
        }
        try await Self.withClient(upstream) { client in
            guard case .failure(let failure) = await Self.call(client) else {
                Issue.record("a cut body must fail")
                return
            }
            #expect(failure.error == .unreachable("connection to DashScope failed") && !failure.sentNothing)
            let whole = try await Self.call(client).get()
            #expect(String(decoding: whole.body, as: UTF8.self) == "until close")
            #expect(upstream.received.map(\.connection) == [1, 2])
        }
    }

    @Test func aReusedChannelClosedBeforeAnsweringResendsAGETOnceButNeverAPOST() async throws {
        let upstream = try await ScriptedUpstream { index, _ in
            switch index {
            case 1, 4: .close
            default: .bytes(Self.ok("{}"))
            }
        }
        try await Self.withClient(upstream) { client in
            #expect(await Self.call(client).response?.status == 200)  // 0 on connection 1
            #expect(await Self.call(client).response?.status == 200)  // 1 closed on connection 1, 2 on connection 2
            #expect(await Self.call(client, "POST", body: "{}").response?.status == 200)  // 3 on connection 2
            guard case .failure(let failure) = await Self.call(client, "POST", body: "{}") else {  // 4 closed
                Issue.record("a POST DashScope may have received must not be sent again")
                return
            }
            #expect(failure.error == .unreachable("connection to DashScope failed") && !failure.sentNothing)
            #expect(upstream.received.map(\.connection) == [1, 1, 2, 2, 2])
        }
    }

    @Test func nothingListeningIsAFailureThatSentNothing() async throws {
        let upstream = try await ScriptedUpstream { _, _ in .close }
        await upstream.shutdown()
        try await Self.withClient(upstream) { client in
            guard case .failure(let failure) = await Self.call(client) else {
                Issue.record("a closed port must fail")
                return
            }
            #expect(failure.sentNothing)
        }
    }

    @Test func aCancelledCallEndsAsCancelledWithoutWaitingForItsDeadline() async throws {
        let upstream = try await ScriptedUpstream { _, _ in .silence }
        try await Self.withClient(upstream) { client in
            let call = Task { await Self.call(client, timeout: .seconds(120)) }
            for _ in 0..<1000 where upstream.received.isEmpty {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(upstream.received.count == 1)
            call.cancel()
            guard case .failure(let failure) = await call.value else {
                Issue.record("a cancelled call must fail")
                return
            }
            #expect(failure.error == .cancelled)
        }
    }
}

extension Result<UpstreamResponse, TransportFailure> {
    /// The answer, or nil for a failure.
    var response: UpstreamResponse? { try? get() }
}
