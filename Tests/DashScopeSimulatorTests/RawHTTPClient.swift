#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What a raw HTTP/1.1 exchange produced, including whether a chunked body ended properly.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    /// True when the chunked terminator (or the full Content-Length) arrived.
    var complete: Bool
    var elapsed: Duration

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking socket client run on its own thread, so it never starves the concurrency pool the server uses.
enum RawHTTPClient {
    static func send(
        port: Int, method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) async -> RawResponse? {
        await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: exchange(port: port, method: method, path: path, headers: headers, body: body))
            }.start()
        }
    }

    private static func exchange(
        port: Int, method: String, path: String, headers: [(String, String)], body: [UInt8]
    ) -> RawResponse? {
        let start = ContinuousClock.now
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var offset = 0
        while offset < request.count {
            let sent = request[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { break }
            offset += sent
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return parse(received, elapsed: ContinuousClock.now - start)
    }

    private static func parse(_ data: [UInt8], elapsed: Duration) -> RawResponse? {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = firstIndex(of: separator, in: data, from: 0) else { return nil }
        let lines = String(decoding: data[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = RawResponse(status: status, headers: headers, body: [], complete: false, elapsed: elapsed)
        var rest = Array(data[(end + 4)...])
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while let lineEnd = firstIndex(of: Array("\r\n".utf8), in: rest, from: 0) {
                let sizeText = String(decoding: rest[0..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText, radix: 16) else { break }
                if size == 0 {
                    response.complete = true
                    break
                }
                guard rest.count >= lineEnd + 2 + size + 2 else { break }
                response.body += rest[(lineEnd + 2)..<(lineEnd + 2 + size)]
                rest = Array(rest[(lineEnd + 2 + size + 2)...])
            }
        } else {
            response.body = rest
            let expected = Int(response.header("Content-Length") ?? "") ?? rest.count
            response.complete = rest.count == expected
        }
        return response
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = from
        while index <= haystack.count - needle.count {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
