import AsyncHTTPClient
import Testing

/// Three rounds of POSTs to each path, bodies near a 4 KiB memory budget (a reservation not given back would refuse
/// the next round with 503); each answer must be 200 with `"<kind of path> <body length>"`.
func postBodyRounds(port: Int, paths: [String], answerKind: (String) -> String) async throws {
    for round in 0..<3 {
        for path in paths {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = .POST
            request.body = .bytes(Array(repeating: UInt8(ascii: "x"), count: 3000 + round))
            let answer = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(answer.status.code == 200)
            let text = String(buffer: try await answer.body.collect(upTo: 1024))
            #expect(text == answerKind(path) + " \(3000 + round)")
        }
    }
}
