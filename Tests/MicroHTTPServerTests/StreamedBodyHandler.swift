import MicroHTTPServer
import Synchronization

/// A handler whose `/upload*` routes read their body as a stream: they answer with what they read (byte count,
/// checksum, how often the connection was suspended, the most bytes buffered) and record how the body ended.
final class StreamedBodyHandler: HTTPHandler {
    /// How each streamed body ended: "end", or the error the handler saw.
    let endings = Mutex<[String]>([])

    func bodyLimit(for head: HTTPRequestHead) -> Int { head.path == "/upload-small" ? 64 << 10 : 16 << 20 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse {
        HTTPResponse(status: 413, contentType: "text/plain", text: "limit \(limit)")
    }

    func decide(_ head: HTTPRequestHead) -> HeadDecision {
        guard head.path.hasPrefix("/upload") else { return .proceed(admission: nil) }
        return .stream(admission: head.path, keepsBody: head.queryValue("keeps") != "false")
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard let body = request.bodyStream, request.admission as? String == request.head.path else {
            return HTTPResponse(status: 200, contentType: "text/plain", text: "whole \(request.body.count)")
        }
        if request.head.queryValue("lag") == "until-suspended" {
            // A reader that is behind: it starts only once the server has suspended the connection for it.
            await waitUntil { body.suspensions > 0 }
        }
        if request.head.queryValue("answer") == "early" {
            endings.withLock { $0.append("early") }
            return HTTPResponse(status: 422, contentType: "text/plain", text: "refused early")
        }
        var count = 0
        var checksum: UInt64 = 0
        do {
            for try await piece in body {
                for byte in piece {
                    checksum = (checksum &* 31) &+ UInt64(byte) &+ UInt64(count & 0xFF)
                    count += 1
                }
            }
        } catch let error as RequestBodyError {
            endings.withLock { $0.append("\(error)") }
            if case .tooLarge(let limit) = error { return payloadTooLarge(request.head, limit: limit) }
            return HTTPResponse(status: 400, contentType: "text/plain", text: "\(error)")
        } catch {
            endings.withLock { $0.append("other \(error)") }
            return HTTPResponse(status: 500)
        }
        endings.withLock { $0.append("end") }
        return HTTPResponse(
            status: 200, contentType: "text/plain",
            text: "\(count) \(checksum) \(body.suspensions) \(body.peakBufferedBytes)")
    }

    /// The checksum the handler computes, for the test's own copy of the bytes.
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var checksum: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            checksum = (checksum &* 31) &+ UInt64(byte) &+ UInt64(index & 0xFF)
        }
        return checksum
    }
}

/// Polls `condition` every few milliseconds for at most `limit` (bounded polling, not a timed wait).
func waitUntil(atMost limit: Duration = .seconds(10), _ condition: () -> Bool) async {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: limit)
    while !condition(), clock.now < deadline {
        try? await Task.sleep(for: .milliseconds(5))
    }
}
