import AsyncHTTPClient
import Dispatch
import Glibc
@testable import MicroHTTPServer
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// Starts a server with a `StreamedBodyHandler` on port 0 for one test.
private func withStreamingServer(
    bodyMemoryLimit: Int = 256 << 20, _ body: (MicroHTTPServer, StreamedBodyHandler) async throws -> Void
) async throws {
    let handler = StreamedBodyHandler()
    let server = MicroHTTPServer(
        configuration: .init(host: "127.0.0.1", port: 0, hangUpCheckIntervalMilliseconds: 50, bodyMemoryLimit: bodyMemoryLimit),
        handler: handler)
    try server.start()
    do {
        try await body(server, handler)
    } catch {
        await server.shutdown(drainTimeout: .seconds(1))
        throw error
    }
    await server.shutdown(drainTimeout: .seconds(2))
}

/// Bytes that differ at every position, so a reordered or lost piece changes the checksum. Filled in place: the
/// `map` over a range this took looked up tuple metadata per byte in a debug build, and under ThreadSanitizer its
/// millions of bytes held a cooperative thread for many seconds while the servers under test starved.
private func patterned(_ count: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        for index in 0..<count { buffer[index] = UInt8(truncatingIfNeeded: index &* 7 &+ index >> 11) }
        initialized = count
    }
}

private func post(_ url: String, body: [UInt8], chunked: Bool = false) async throws -> (Int, String) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    if chunked {
        let pieces = stride(from: 0, to: body.count, by: 100_000).map { ByteBuffer(bytes: body[$0..<min($0 + 100_000, body.count)]) }
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        for piece in pieces { continuation.yield(piece) }
        continuation.finish()
        request.body = .stream(stream, length: .unknown)
    } else {
        request.body = .bytes(body)
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: bytes))
}

@Suite struct StreamedBodyTests {
    @Test func aReaderThatIsBehindSuspendsTheConnectionAndStillGetsEveryByteInOrder() async throws {
        try await withStreamingServer { server, handler in
            let bytes = patterned(6 << 20)
            let (status, text) = try await post("http://127.0.0.1:\(server.port)/upload?lag=until-suspended", body: bytes)
            #expect(status == 200)
            let fields = text.split(separator: " ").map { Int($0) ?? -1 }
            #expect(fields.count == 4)
            #expect(fields.first == bytes.count)
            #expect(text.hasPrefix("\(bytes.count) \(StreamedBodyHandler.checksum(bytes)) "))
            #expect(fields.count == 4 && fields[2] >= 1, "the connection was never suspended: \(text)")
            #expect(fields.count == 4 && fields[3] <= RequestBodyStream.defaultWindow + RequestBodyStream.overshoot,
                    "more than the window was buffered: \(text)")
            #expect(handler.endings.withLock { $0 } == ["end"])
            await waitUntil { server.bodyMemoryInUse == 0 }
            #expect(server.bodyMemoryInUse == 0)
        }
    }

    @Test func aChunkedBodyArrivesWholeAndWholeBodyRoutesAreUnchanged() async throws {
        try await withStreamingServer { server, _ in
            let bytes = patterned(1_500_000)
            let (status, text) = try await post("http://127.0.0.1:\(server.port)/upload", body: bytes, chunked: true)
            #expect(status == 200)
            #expect(text.hasPrefix("\(bytes.count) \(StreamedBodyHandler.checksum(bytes)) "))
            let (whole, wholeText) = try await post("http://127.0.0.1:\(server.port)/whole", body: bytes)
            #expect(whole == 200)
            #expect(wholeText == "whole \(bytes.count)")
        }
    }

    @Test func aDeclaredLengthPastTheCapIsRefusedBeforeAnyBodyByteIsSent() async throws {
        try await withStreamingServer { server, handler in
            let port = server.port
            let head = try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send("POST /upload-small HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000000\r\n\r\n")
                return try connection.readHead()
            }
            #expect(head.hasPrefix("HTTP/1.1 413"))
            #expect(handler.endings.withLock { $0 }.isEmpty, "the handler ran for a refused body")
            #expect(server.bodyMemoryInUse == 0)
        }
    }

    @Test func aChunkedBodyPastTheCapEndsTheStreamWithTooLargeAndTheHandlerAnswers() async throws {
        try await withStreamingServer { server, handler in
            let (status, text) = try await post("http://127.0.0.1:\(server.port)/upload-small", body: patterned(300_000), chunked: true)
            #expect(status == 413)
            #expect(text == "limit \(64 << 10)")
            #expect(handler.endings.withLock { $0 } == ["tooLarge(limit: \(64 << 10))"])
        }
    }

    @Test func aHandlerThatAnswersBeforeTheBodyEndsHasTheRestDroppedThenItsAnswerSent() async throws {
        try await withStreamingServer { server, _ in
            let (status, text) = try await post("http://127.0.0.1:\(server.port)/upload?answer=early", body: patterned(3 << 20))
            #expect(status == 422)
            #expect(text == "refused early")
            await waitUntil { server.bodyMemoryInUse == 0 }
            #expect(server.bodyMemoryInUse == 0)
        }
    }

    @Test func aClientThatHangsUpMidBodyEndsTheStreamWithAnErrorAndReleasesTheBudget() async throws {
        try await withStreamingServer { server, handler in
            let port = server.port
            let connection = try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4000000\r\n\r\n")
                try connection.send(patterned(100_000))
                return connection
            }
            await waitUntil { server.bodyMemoryInUse > 0 }
            connection.reset()
            // Seen within a few hang-up checks (50 ms each) on a quiet machine; bounded generously for a loaded one.
            await waitUntil(atMost: .seconds(30)) { !handler.endings.withLock { $0 }.isEmpty && server.bodyMemoryInUse == 0 }
            #expect(handler.endings.withLock { $0 } == ["clientDisconnected"])
            #expect(server.bodyMemoryInUse == 0)
            let (status, text) = try await post("http://127.0.0.1:\(server.port)/upload", body: patterned(1000))
            #expect(status == 200)
            #expect(text.hasPrefix("1000 "))
        }
    }

    @Test func theBudgetCoversAKeptBodyWholeAndAPassedOnBodyByItsWindow() async throws {
        try await withStreamingServer(bodyMemoryLimit: 400_000) { server, handler in
            // A handler that keeps what it reads: the declared 5 MB must fit the budget, so 503 before any body byte.
            let port = server.port
            let refused = try await offThePool {
                let connection = try RawConnection(port: port)
                try connection.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000000\r\n\r\n")
                return try connection.readHead()
            }
            #expect(refused.hasPrefix("HTTP/1.1 503"))
            #expect(handler.endings.withLock { $0 }.isEmpty)
            // A handler that passes the body on holds only its window: the same 5 MB is served.
            let bytes = patterned(5_000_000)
            let (status, text) = try await post("http://127.0.0.1:\(server.port)/upload?keeps=false", body: bytes)
            #expect(status == 200)
            #expect(text.hasPrefix("\(bytes.count) \(StreamedBodyHandler.checksum(bytes)) "))
            await waitUntil { server.bodyMemoryInUse == 0 }
            #expect(server.bodyMemoryInUse == 0)
        }
    }
}

/// A blocking loopback TCP connection for what an HTTP client library will not do (a head without its body,
/// leaving mid-body).
private final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw RawConnectionError()
        }
    }

    private var open = true

    deinit { if open { close(fd) } }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw RawConnectionError() }
            offset += written
        }
    }

    /// Leaves abruptly: closes with a reset, which libmicrohttpd's own read notices (a polite FIN mid-body is
    /// left to the server's hang-up watchdog, covered through the gateway in StreamedUploadTests).
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(fd)
        open = false
    }

    /// The response head, up to its blank line.
    func readHead() throws -> String {
        var received: [UInt8] = []
        var byte: UInt8 = 0
        while !received.ends(with: [13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { throw RawConnectionError() }
            received.append(byte)
        }
        return String(decoding: received, as: UTF8.self)
    }
}

private struct RawConnectionError: Error {}

/// Runs blocking socket work on a dispatch thread, never on one of the few cooperative threads the server's own
/// handler tasks and hang-up watchdog need.
private func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix) }
}
