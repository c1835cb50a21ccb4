import MicroHTTPServer
import Synchronization

/// A handler that echoes, streams, waits, and records cancellations.
final class EchoHandler: HTTPHandler {
    let cancelled = Mutex(0)
    let streamEnded = Mutex(0)

    func bodyLimit(for head: HTTPRequestHead) -> Int { head.path == "/small" ? 16 : 1 << 20 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse {
        HTTPResponse(status: 413, contentType: "text/plain", text: "limit \(limit)")
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        switch request.head.path {
        case "/echo", "/small":
            let query = request.head.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
            return HTTPResponse(
                status: 200, headers: ["X-Method": request.head.method, "X-Query": query,
                                       "X-Probe": request.head.headers["x-probe"] ?? ""],
                body: .bytes(request.body))
        case "/stream":
            let count = Int(request.head.queryValue("n") ?? "3") ?? 3
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: .stream { writer in
                for index in 0..<count {
                    try? await writer.write("part \(index)\n")
                }
            })
        case "/hang":
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                cancelled.withLock { $0 += 1 }
            }
            return HTTPResponse(status: 200)
        case "/hang-stream":
            return HTTPResponse(status: 200, body: .stream { [self] writer in
                try? await writer.write("first\n")
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    cancelled.withLock { $0 += 1 }
                }
                streamEnded.withLock { $0 += 1 }
            })
        case "/big-stream":
            return HTTPResponse(status: 200, body: .stream { writer in
                let block = [UInt8](repeating: 0x61, count: 16 * 1024)
                for _ in 0..<256 {
                    do { try await writer.write(block) } catch { return }
                }
            })
        default:
            return HTTPResponse(status: 404, contentType: "text/plain", text: "no route")
        }
    }
}

