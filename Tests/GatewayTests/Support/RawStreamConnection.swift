import Glibc

/// A bare TCP client for stream tests: it reads only when told to, so a test can stop reading (with a small
/// receive buffer, to fill quickly) and hang up mid-stream.
final class RawStreamConnection {
    private let fd: Int32
    private var closed = false

    /// Connects to 127.0.0.1:`port` with a `receiveBuffer`-byte receive buffer.
    init?(port: Int, receiveBuffer: Int32 = 16 * 1024) {
        let socket = connectedLoopbackSocket(port: port) { fd in
            var size = receiveBuffer
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        guard let socket else { return nil }
        fd = socket
    }

    deinit { if !closed { Glibc.close(fd) } }

    /// Sends a request with `Connection: close`.
    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var offset = 0
        while offset < request.count {
            let sent = request[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Up to `max` bytes; empty at the end of the stream, nil after `timeout` without data or on an error.
    /// Never blocks a thread: the gateway under test runs on the same cooperative pool.
    func read(max: Int = 64 * 1024, timeout: Duration = .seconds(10)) async -> [UInt8]? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var buffer = [UInt8](repeating: 0, count: max)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count >= 0 { return Array(buffer[0..<count]) }
            guard errno == EAGAIN || errno == EWOULDBLOCK, ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Reads until the server closes the connection; nil if that did not happen within `limit` (60 s: a test that
    /// drains a 12 MB stream with 5 ms polls ran past 20 s in a full run on a loaded machine; only a hang waits it out).
    func readToEnd(within limit: Duration = .seconds(60)) async -> [UInt8]? {
        let deadline = ContinuousClock.now.advanced(by: limit)
        var all: [UInt8] = []
        while ContinuousClock.now < deadline {
            guard let bytes = await read(max: 256 * 1024, timeout: deadline - ContinuousClock.now) else { return nil }
            if bytes.isEmpty { return all }
            all += bytes
        }
        return nil
    }

    /// Closes the socket now (unread bytes make the kernel answer the server with a reset).
    func hangUp() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}

/// The body of a chunked HTTP/1.1 response (`raw` holds the head too); nil when the chunking is broken.
func dechunkedBody(_ raw: [UInt8]) -> (body: [UInt8], terminated: Bool)? {
    let separator: [UInt8] = [13, 10, 13, 10]
    guard let headEnd = (0...(raw.count - 4)).first(where: { Array(raw[$0..<($0 + 4)]) == separator }) else { return nil }
    var index = headEnd + 4
    var body: [UInt8] = []
    while index < raw.count {
        guard let lineEnd = (index..<(raw.count - 1)).first(where: { raw[$0] == 13 && raw[$0 + 1] == 10 }),
              let size = Int(String(decoding: raw[index..<lineEnd], as: UTF8.self), radix: 16)
        else { return nil }
        if size == 0 { return (body, true) }
        let start = lineEnd + 2
        guard start + size <= raw.count else { return (body + raw[start...], false) }
        body += raw[start..<(start + size)]
        index = start + size + 2
    }
    return (body, false)
}
