import Foundation
import Glibc

/// One response read off a raw socket: status, header fields and the Content-Length body.
struct RawResponse {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    /// The `code` of the local, OpenAI or DashScope error shape.
    var errorCode: String? {
        ((json["error"] as? [String: Any])?["code"] ?? json["code"]) as? String
    }
}

struct RawSocketError: Error, CustomStringConvertible {
    let description: String
}

/// A plain TCP connection to 127.0.0.1 for what an HTTP client library will not send (smuggling, a head without
/// its body, a forged Host). Blocking reads bounded by a receive timeout; used by one test, sequentially.
final class RawHTTPConnection: @unchecked Sendable {
    private let fd: Int32
    private var buffered: [UInt8] = []

    init(port: Int, receiveTimeoutSeconds: Int = 20) throws {
        let socket = connectedLoopbackSocket(port: port) { fd in
            var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        guard let socket else { throw RawSocketError(description: "could not connect to 127.0.0.1:\(port)") }
        fd = socket
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw RawSocketError(description: "send() failed: errno \(errno)") }
            offset += written
        }
    }

    /// Closes the connection now (a client leaving mid-body).
    func hangUp() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Reads more bytes: nil at end of stream; throws on timeout.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count == 0 { return false }
        if count < 0 {
            if errno == ECONNRESET { return false }
            throw RawSocketError(description: "recv() failed or timed out: errno \(errno)")
        }
        buffered += chunk[0..<count]
        return true
    }

    /// Reads one response with a Content-Length body.
    func readResponse() throws -> RawResponse {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            if let range = buffered.firstRange(of: separator) { headEnd = range.upperBound; break }
            guard try fill() else { throw RawSocketError(description: "connection closed before a response head") }
        }
        let headText = String(decoding: buffered[..<(headEnd! - 4)], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw RawSocketError(description: "bad status line in \(headText)")
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        while buffered.count < headEnd! + length {
            guard try fill() else { throw RawSocketError(description: "connection closed inside a response body") }
        }
        let body = Array(buffered[headEnd!..<(headEnd! + length)])
        buffered.removeFirst(headEnd! + length)
        return RawResponse(status: status, headers: headers, body: body)
    }

    /// Everything the server sends until it closes the connection (throws if it stays open past the timeout).
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffered = [] }
        return buffered
    }
}

/// Runs blocking socket work on a thread of its own, so it never holds one of the few cooperative threads the
/// gateway's own handler tasks need. Not `DispatchQueue.global()`: on Linux the concurrency pool runs on those very
/// root-queue threads (as wide as the cores), so three blocked reads starved every server in the process until
/// their receive timeouts (seen under ThreadSanitizer, where a gdb dump showed the pool's threads all in recv).
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// A TCP socket connected to 127.0.0.1:`port`, with `configure` applied before connecting; nil on failure.
func connectedLoopbackSocket(port: Int, configure: (Int32) -> Void = { _ in }) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    configure(fd)
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
    return fd
}
