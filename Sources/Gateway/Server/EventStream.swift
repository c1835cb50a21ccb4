import DashScope
import MicroHTTPServer
import ServerSentEvents

/// How one API surface writes DashScope's recognition events to its clients (local, DashScope-native, OpenAI).
/// A framing holds its own per-stream state; the event stream drives it from one task.
protocol EventFraming: Sendable {
    /// The comment block written after a silence, in this framing.
    var keepAlive: [UInt8] { get }
    /// The bytes for one upstream event (may be empty); a thrown error ends the stream with `failed`.
    mutating func event(_ event: ServerSentEvent) throws(GatewayError) -> [UInt8]
    /// The bytes after the last event when the stream ended normally (the terminal event, if the framing has one).
    mutating func completed(events: Int) -> [UInt8]
    /// The one terminal error event.
    mutating func failed(_ error: DashScopeError) -> [UInt8]
    /// The same for a failure this framing itself decided.
    mutating func failed(_ error: GatewayError) -> [UInt8]
}

/// The one seam between DashScope's events and a client: `text/event-stream` headers, every event written the
/// moment it is parsed (never batched), a keep-alive comment after `keepAliveInterval` of silence, back-pressure
/// (the next event is pulled only once the last was handed to the server), metrics, and exactly one terminal
/// event — whatever the framing.
struct EventStream: Sendable {
    /// The headers of every event stream the gateway starts itself.
    static let headers: HTTPHeaders = [
        "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", "X-Accel-Buffering": "no",
    ]

    /// Silence after which a keep-alive comment is written.
    var keepAliveInterval: Duration = .seconds(15)
    /// Counts open streams and relayed events (upstream failures are counted by the DashScope client's observer).
    var metrics: (any ServerMetrics)?

    /// The streamed response: `status` and `headers`, then every event in `framing`, then one terminal event.
    func response<Framing: EventFraming>(
        _ events: RecognitionEvents, framing: Framing, status: Int = 200, headers: HTTPHeaders = EventStream.headers
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: .stream { writer in
            await relay(events, framing: framing, to: writer)
        })
    }

    /// Pumps the events to `writer` until the stream ends, fails or the client leaves.
    func relay<Framing: EventFraming>(_ events: RecognitionEvents, framing: Framing, to writer: ResponseBodyWriter) async {
        let output = KeepAliveWriter(writer: writer)
        metrics?.streamOpened()
        defer { metrics?.streamClosed() }
        // The pump runs in this task and the keep-alive is a timer callback: one task per stream, not three.
        output.startKeepAlive(every: keepAliveInterval, block: framing.keepAlive)
        await Self.pump(events, framing: framing, output: output, metrics: metrics)
        output.stopKeepAlive()
    }

    private static func pump<Framing: EventFraming>(
        _ events: RecognitionEvents, framing: Framing, output: KeepAliveWriter, metrics: (any ServerMetrics)?
    ) async {
        var framing = framing
        var iterator = events.makeAsyncIterator()
        var count = 0
        do {
            while let event = try await iterator.next() {
                let bytes: [UInt8]
                do {
                    bytes = try framing.event(event)
                } catch {
                    try? await output.write(framing.failed(error))
                    return
                }
                if !bytes.isEmpty { try await output.write(bytes) }
                count += 1
                metrics?.eventRelayed(count: 1)
            }
            let end = framing.completed(events: count)
            if !end.isEmpty { try await output.write(end) }
        } catch let error as DashScopeError {
            guard error != .cancelled, output.isClientConnected else { return }
            try? await output.write(framing.failed(error))
        } catch {
            // The client left (its writer threw): nothing more can be written.
        }
    }
}
