import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import ServerSentEvents

/// An SSE event with the moment the client parsed it.
struct ArrivedEvent: Sendable {
    let event: ServerSentEvent
    let at: ContinuousClock.Instant
}

/// What a streaming client saw: status, headers, the events as they arrived, and the raw text.
struct StreamResult: Sendable {
    let status: Int
    let headers: [(name: String, value: String)]
    let events: [ArrivedEvent]
    let raw: String

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var names: [String] { events.map { $0.event.event ?? "message" } }
}

/// Posts a body and reads the answer as an event stream until it ends (or `stopAfter` events).
func postStream(
    _ url: String, body: [UInt8], headers: [(String, String)] = [("Content-Type", "application/json")],
    stopAfter: Int? = nil
) async throws -> StreamResult {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(bytes: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    var parser = SSEParser()
    var events: [ArrivedEvent] = []
    var raw: [UInt8] = []
    reading: for try await chunk in response.body {
        let bytes = Array(buffer: chunk)
        raw += bytes
        for event in try parser.feed(bytes) {
            events.append(ArrivedEvent(event: event, at: .now))
            if let stopAfter, events.count >= stopAfter { break reading }
        }
    }
    return StreamResult(
        status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, events: events,
        raw: String(decoding: raw, as: UTF8.self))
}
