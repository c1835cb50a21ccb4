import ArgumentParser
import Foundation
import MicroHTTPServer
import NIOCore
import WebSockets

/// The live-audio upstream double: `GET /api-ws/v1/inference` upgrades and speaks the DashScope duplex protocol
/// at its simplest, answering every audio frame at once, so the bench measures the relay and nothing else.
///
/// `run-task` → `task-started`; each binary frame (whose first 8 bytes are the client's CLOCK_MONOTONIC send time)
/// → one `result-generated` carrying `bench_in_ns` (the frame's travel time to here) and, last, `bench_sent_ns`
/// (this event's send time); `finish-task` → `task-finished`.
struct LiveUpstreamHandler: HTTPHandler {
    static let path = "/api-ws/v1/inference"

    func bodyLimit(for head: HTTPRequestHead) -> Int { 0 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse {
        HTTPResponse(status: 413, contentType: "application/json", text: "{\"code\":\"TooLarge\"}")
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let head = request.head
        guard head.path == Self.path, let key = head.headers["Sec-WebSocket-Key"],
              WebSocketHandshake.problem(method: head.method, header: { head.headers[$0] }) == nil
        else {
            return HTTPResponse(status: 404, contentType: "application/json", text: "{\"code\":\"NotFound\",\"message\":\"bench live upstream\"}")
        }
        return .webSocket(key: key) { connection in await Self.serve(connection) }
    }

    /// Answers one connection's messages until the client closes.
    static func serve(_ connection: WebSocketChannel) async {
        try? await connection.executeThenClose { inbound, outbound in
            var taskID = "bench"
            for try await event in inbound {
                switch event {
                case .message(.binary(let frame)):
                    let arrived = Monotonic.nanos()
                    let sent = frame.getInteger(at: frame.readerIndex, endianness: .little, as: UInt64.self) ?? arrived
                    let prefix = "{\"header\":{\"event\":\"result-generated\",\"task_id\":\"\(taskID)\",\"attributes\":{}},"
                        + "\"payload\":{\"output\":{\"sentence\":{\"begin_time\":0,\"end_time\":100,\"text\":\"bench\","
                        + "\"sentence_end\":false}},\"bench_in_ns\":\(arrived &- sent),\"bench_sent_ns\":"
                    try await outbound.write(.message(.text(ByteBuffer(string: prefix + "\(Monotonic.nanos())}}"))))
                case .message(.text(let text)):
                    let body = String(buffer: text)
                    if let id = LiveJSON.value(of: "task_id", in: body) { taskID = id }
                    let reply = body.contains("\"run-task\"") ? "task-started" : body.contains("\"finish-task\"") ? "task-finished" : nil
                    if let reply {
                        try await outbound.write(.message(.text(ByteBuffer(
                            string: "{\"header\":{\"event\":\"\(reply)\",\"task_id\":\"\(taskID)\",\"attributes\":{}},\"payload\":{}}"))))
                    }
                case .close:
                    return
                }
            }
        }
    }
}

/// `funasr-bench live-upstream`: serves the live-audio double until SIGTERM/SIGINT.
struct LiveUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live-upstream", abstract: "Serve DashScope's live-audio WebSocket, answering each audio frame at once with its timings.")

    @Option(help: "Listen address host:port.")
    var listen: String = "127.0.0.1:9302"

    @Option(help: "libmicrohttpd worker threads.")
    var threads: Int = 1

    func run() async throws {
        try await BenchServer.serve(LiveUpstreamHandler(), name: "live-upstream", listen: listen, threads: threads)
    }
}

/// Reads the few fields the live bench needs from its own flat JSON messages (no full parse on the hot path).
enum LiveJSON {
    /// The string value of the first `"key":"…"` in `text`.
    static func value(of key: String, in text: String) -> String? {
        guard let start = text.range(of: "\"\(key)\":\"") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// The integer value of the first `"key":<digits>` in `text`.
    static func integer(_ key: String, in text: String) -> UInt64? {
        guard let start = text.range(of: "\"\(key)\":") else { return nil }
        return UInt64(text[start.upperBound...].prefix { $0.isNumber })
    }
}
