import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A response as the test client saw it.
struct ClientResponse: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Sends one request with async-http-client and collects the whole answer.
func send(
    _ method: String, _ url: String, body: [UInt8]? = nil, headers: [(String, String)] = [],
    timeout: Int64 = 30
) async throws -> ClientResponse {
    var request = HTTPClientRequest(url: url)
    request.method = HTTPMethod(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
    let collected = try await response.body.collect(upTo: 64 << 20)
    return ClientResponse(
        status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
        body: Array(buffer: collected))
}

/// JSON text to bytes.
func jsonBody(_ text: String) -> [UInt8] { Array(text.utf8) }
