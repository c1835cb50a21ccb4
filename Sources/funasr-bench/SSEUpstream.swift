import ArgumentParser
import Foundation
import MicroHTTPServer
import Synchronization

/// The SSE upstream double: `POST …/generation` answers a DashScope-framed stream paced by the plan in
/// the body, each event stamped with its CLOCK_MONOTONIC send time; every other request gets a 404.
///
/// Streams are staggered: stream k starts its schedule k × 1.7 ms (modulo the interval) later, so streams
/// opened together do not send in lockstep (real upstream streams are not synchronised).
struct SSEUpstreamHandler: HTTPHandler {
    static let generationPath = "/api/v1/services/aigc/multimodal-generation/generation"
    /// The plan used when the body carries none.
    let fallback: StreamPlan
    /// Streams opened so far (for the stagger).
    let opened = StreamCounter()

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 20 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse {
        HTTPResponse(status: 413, contentType: "application/json", text: "{\"code\":\"TooLarge\"}")
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.head.method == "POST", request.head.path == Self.generationPath else {
            return HTTPResponse(status: 404, contentType: "application/json", text: "{\"code\":\"NotFound\",\"message\":\"bench upstream\"}")
        }
        let plan = StreamPlan.find(in: request.body) ?? fallback
        let requestID = request.head.headers["X-Request-Id"] ?? "bench-\(UUID().uuidString.lowercased())"
        let payload = EventPayload(requestID: requestID)
        let headers: HTTPHeaders = [
            "Content-Type": "text/event-stream;charset=UTF-8", "Cache-Control": "no-cache", "X-Request-Id": requestID,
        ]
        let interval = max(plan.intervalMs, plan.slowEvents > 0 ? plan.slowIntervalMs : 0)
        let offset = interval > 0 ? Duration.microseconds(opened.next() * 1_700 % (interval * 1_000)) : .zero
        return HTTPResponse(status: 200, headers: headers, body: .stream { writer in
            await Self.play(plan, payload: payload, offset: offset, on: writer)
        })
    }

    /// Writes the plan's events on a fixed schedule (no drift) starting `offset` late; stops when the client leaves.
    static func play(_ plan: StreamPlan, payload: EventPayload, offset: Duration, on writer: ResponseBodyWriter) async {
        let clock = ContinuousClock()
        var due = clock.now.advanced(by: offset)
        for index in 0..<plan.totalEvents {
            let pause = plan.pauseBefore(index)
            let prefix = payload.prefix(seq: index + 1)
            if pause > 0 {
                due = due.advanced(by: .milliseconds(pause))
                do { try await Task.sleep(until: due, clock: clock) } catch { return }
            }
            do {
                try await writer.write(EventPayload.stamped(prefix))
            } catch {
                return
            }
        }
    }
}

/// `funasr-bench sse-upstream`: serves the stamped SSE double until SIGTERM/SIGINT.
struct SSEUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sse-upstream", abstract: "Serve POST …/generation as DashScope-framed SSE stamped with send times.")

    @Option(help: "Listen address host:port.")
    var listen: String = "127.0.0.1:9301"

    @Option(help: "Events per stream when the request names no plan.")
    var events: Int = 100

    @Option(name: .customLong("interval-ms"), help: "Milliseconds between events when the request names no plan.")
    var intervalMs: Int = 10

    @Option(help: "libmicrohttpd worker threads.")
    var threads: Int = 2

    func run() async throws {
        try await BenchServer.serve(
            SSEUpstreamHandler(fallback: StreamPlan(events: events, intervalMs: intervalMs)), name: "sse-upstream", listen: listen,
            threads: threads)
    }
}

/// Runs a bench double's server until SIGTERM/SIGINT.
enum BenchServer {
    /// Serves `handler` on `listen` (host:port) with room for 16,000 connections, announcing `name` once listening.
    static func serve(_ handler: some HTTPHandler, name: String, listen: String, threads: Int) async throws {
        let (host, port) = try HostPort.parse(listen)
        let server = MicroHTTPServer(
            configuration: ServerConfiguration(host: host, port: port, threads: threads, connectionLimit: 16_000, idleTimeoutSeconds: 120),
            handler: handler)
        try server.start()
        print("\(name) listening on \(host):\(server.port)")
        fflush(nil)
        await SignalWait.termination()
        await server.shutdown(drainTimeout: .milliseconds(200))
    }
}

/// A shared counter of opened streams.
final class StreamCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// The number of streams opened before this one.
    func next() -> Int {
        value.add(1, ordering: .relaxed).oldValue
    }
}

/// `host:port` parsing for the bench's flags.
enum HostPort {
    /// Splits `host:port`; throws a validation error otherwise.
    static func parse(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw ValidationError("expected host:port, got '\(text)'")
        }
        return (String(text[..<colon]), port)
    }
}

/// Waits for SIGTERM or SIGINT.
enum SignalWait {
    /// Returns once either signal arrives.
    static func termination() async {
        let queue = DispatchQueue(label: "funasr-bench.signals")
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        sources.forEach { $0.cancel() }
    }
}
