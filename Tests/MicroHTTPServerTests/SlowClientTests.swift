import Glibc
@testable import MicroHTTPServer
import Testing

/// A raw client that sends a request a few bytes at a time and notices when the server closes on it.
final class TricklingClient {
    private let fd: Int32
    private(set) var received: [UInt8] = []

    init?(port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Sends `text`; false when the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return sent == bytes.count
    }

    /// Reads what is there without waiting; true once the server closed its side (end of stream or a reset).
    func serverClosed() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                received += buffer[0..<count]
                continue
            }
            if count == 0 { return true }
            return errno != EAGAIN && errno != EWOULDBLOCK
        }
    }

    /// Sends `piece` every `interval` until the server closes the connection or `pieces` run out; returns true when
    /// the server closed it.
    func trickle(_ pieces: [String], every interval: Duration, meanwhile: () async throws -> Void = {}) async throws -> Bool {
        for piece in pieces {
            if serverClosed() { return true }
            if !send(piece) { return true }
            try await meanwhile()
            try await Task.sleep(for: interval)
        }
        // Bounded wait for a close that may be on its way.
        for _ in 0..<250 {
            if serverClosed() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

/// Slow-loris: libmicrohttpd's own timeout is reset by every byte, so these deadlines are what end a client that
/// trickles its head or body; a slow but steady upload within the limits still succeeds, and other clients are
/// served throughout.
@Suite struct SlowClientTests {
    static func withServer(
        header: Duration = .seconds(1), body: Duration = .seconds(1), rate: Int = 1000, watchdogMilliseconds: Int = 50,
        _ run: (MicroHTTPServer, String) async throws -> Void
    ) async throws {
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, idleTimeoutSeconds: 30, hangUpCheckIntervalMilliseconds: watchdogMilliseconds)
        configuration.requestTimeLimits = RequestTimeLimits(header: header, body: body, bodyMinimumRate: rate)
        let server = MicroHTTPServer(configuration: configuration, handler: EchoHandler())
        try server.start()
        do {
            try await run(server, "http://127.0.0.1:\(server.port)")
        } catch {
            await server.shutdown(drainTimeout: .seconds(1))
            throw error
        }
        await server.shutdown(drainTimeout: .seconds(1))
    }

    /// Another client's request, which must be answered while the slow one holds its connection.
    static func otherClientIsServed(_ base: String) async throws {
        let (status, _, text) = try await fetch(base + "/echo", method: .POST, body: "still serving")
        #expect(status == 200)
        #expect(text == "still serving")
    }

    @Test func aHeadTrickledOneByteAtATimeIsClosedAtTheHeaderDeadline() async throws {
        try await Self.withServer(header: .seconds(1)) { server, base in
            let client = try #require(TricklingClient(port: server.port))
            client.send("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            // One byte every 100 ms: far inside the 30 s idle timeout, which each byte resets; 15 s of bytes would
            // keep going without a header deadline.
            var served = 0
            let closed = try await client.trickle(Array(repeating: "a", count: 150), every: .milliseconds(100)) {
                if served < 3 {
                    try await Self.otherClientIsServed(base)
                    served += 1
                }
            }
            #expect(closed, "a trickled head kept its connection past the header deadline")
            #expect(client.received.isEmpty, "a connection cut mid-head gets no answer")
            try await Self.otherClientIsServed(base)
        }
    }

    @Test func aBodyTrickledFarBelowTheMinimumRateIsCut() async throws {
        try await Self.withServer(body: .seconds(1), rate: 1000) { server, base in
            let client = try #require(TricklingClient(port: server.port))
            client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n")
            // 10 bytes per second against a floor of 1000 B/s after a 1 s allowance.
            var served = 0
            let closed = try await client.trickle(Array(repeating: "b", count: 150), every: .milliseconds(100)) {
                if served < 3 {
                    try await Self.otherClientIsServed(base)
                    served += 1
                }
            }
            #expect(closed, "a trickled body kept its connection past the body deadline")
            #expect(!String(decoding: client.received, as: UTF8.self).contains("200 OK"))
            try await Self.otherClientIsServed(base)
        }
    }

    @Test func aSlowButSteadyUploadWithinTheLimitsSucceeds() async throws {
        try await Self.withServer(header: .seconds(2), body: .seconds(2), rate: 100) { server, base in
            // Warm the other client up first: its first request can take seconds in a busy test process, and this
            // client must not look slow for the test's own reasons.
            try await Self.otherClientIsServed(base)
            let client = try #require(TricklingClient(port: server.port))
            let piece = String(repeating: "c", count: 400)
            let pieces = Array(repeating: piece, count: 30)
            client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(400 * pieces.count)\r\n\r\n")
            // ~4000 B/s for about three seconds: longer than the 2 s base allowance alone, and forty times the
            // 100 B/s floor (each piece buys 4 s), so a busy machine that pauses this client for seconds still
            // keeps it inside the limits.
            var served = 0
            let closed = try await client.trickle(pieces, every: .milliseconds(100)) {
                if served < 3 {
                    try await Self.otherClientIsServed(base)
                    served += 1
                }
            }
            #expect(closed, "the server never finished answering")
            let answer = String(decoding: client.received, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
            #expect(answer.hasSuffix(String(repeating: piece, count: pieces.count)))
        }
    }

    @Test func aBodyThatCompletesAfterItsDeadlineIsAnswered408NotHandled() async throws {
        // The watchdog runs once a minute here, so it cannot cut the connection first: the late body reaches the
        // final access-handler call, where a response is still possible.
        try await Self.withServer(body: .milliseconds(300), rate: 1000, watchdogMilliseconds: 60_000) { server, _ in
            let client = try #require(TricklingClient(port: server.port))
            client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n")
            try await Task.sleep(for: .seconds(1))  // the client's own pause, past 300 ms + 10 B at 1000 B/s
            client.send("0123456789")
            var closed = false
            for _ in 0..<250 where !closed {
                closed = client.serverClosed()
                if !closed { try await Task.sleep(for: .milliseconds(20)) }
            }
            let answer = String(decoding: client.received, as: UTF8.self)
            #expect(closed, "a late body's connection stayed open")
            #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
            #expect(answer.lowercased().contains("connection: close"))
            #expect(!answer.contains("0123456789"), "the handler ran on a late body")
        }
    }

    @Test func aKeptAliveConnectionStillServesItsSecondRequest() async throws {
        try await Self.withServer(header: .seconds(1)) { server, _ in
            let client = try #require(TricklingClient(port: server.port))
            client.send("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            var waited = 0
            while !String(decoding: client.received, as: UTF8.self).contains("\r\n\r\n"), waited < 250 {
                _ = client.serverClosed()
                try await Task.sleep(for: .milliseconds(20))
                waited += 1
            }
            // Idle between requests longer than the header timeout: the next head is due after the idle wait.
            try await Task.sleep(for: .milliseconds(1500))
            #expect(!client.serverClosed(), "an idle kept-alive connection was cut by the header deadline")
            client.send("GET /echo?second=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            var closed = false
            for _ in 0..<250 where !closed {
                closed = client.serverClosed()
                if !closed { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(closed)
            #expect(String(decoding: client.received, as: UTF8.self).contains("second=1"))
        }
    }
}
