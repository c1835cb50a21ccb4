import DashScope
import MicroHTTPServer
import ServerSentEvents
import Synchronization

/// How a relayed stream ended.
enum RelayOutcome: Sendable {
    /// The upstream body ended normally after `events` events.
    case completed(events: Int)
    /// The event handler stopped the relay (e.g. an upstream `error` frame) after `events` events.
    case stopped(events: Int)
    /// The upstream failed mid-body (dropped, timed out, or sent something that is not SSE).
    case failed(GatewayError, events: Int)
    /// The client went away; nothing more can be written.
    case clientGone
}

/// Pumps an upstream SSE body to a client event by event: each event is parsed and handed to the
/// caller the moment its blank line arrives (never batched), and a keep-alive comment goes out
/// whenever nothing was written for `keepAliveInterval`.
struct SSERelay: Sendable {
    /// Silence after which a `: keep-alive` comment is written.
    var keepAliveInterval: Duration = .seconds(15)
    /// The keep-alive block in the client's framing.
    var keepAliveBlock: [UInt8] = Array(": keep-alive\n\n".utf8)
    /// Counts open streams, relayed events and mid-stream upstream failures.
    var metrics: GatewayMetrics?

    /// What the handler tells the relay after each event.
    enum Next: Sendable {
        case proceed
        case stop
    }

    /// Relays `body` through `handle`, which writes whatever it wants per event.
    func pump(
        _ body: UpstreamBody, to writer: ResponseBodyWriter,
        handle: @escaping @Sendable (ServerSentEvent, KeepAliveWriter) async throws -> Next
    ) async -> RelayOutcome {
        let output = KeepAliveWriter(writer: writer)
        metrics?.streamOpened()
        defer { metrics?.streamClosed() }
        let metrics = self.metrics
        let counted: @Sendable (ServerSentEvent, KeepAliveWriter) async throws -> Next = { event, output in
            let next = try await handle(event, output)
            metrics?.eventRelayed()
            return next
        }
        let outcome = await withTaskGroup(of: RelayOutcome?.self) { group in
            group.addTask {
                await Self.relay(body, output: output, handle: counted)
            }
            group.addTask { [keepAliveInterval, keepAliveBlock] in
                await output.keepAlive(every: keepAliveInterval, block: keepAliveBlock)
                return nil
            }
            var outcome = RelayOutcome.clientGone
            while let next = await group.next() {
                if let result = next {
                    outcome = result
                    group.cancelAll()
                }
            }
            return outcome
        }
        if case .failed(let error, _) = outcome { metrics?.upstreamError(code: error.code) }
        return outcome
    }

    private static func relay(
        _ body: UpstreamBody, output: KeepAliveWriter,
        handle: @Sendable (ServerSentEvent, KeepAliveWriter) async throws -> Next
    ) async -> RelayOutcome {
        var parser = SSEParser()
        var count = 0
        do {
            for try await chunk in body {
                let (events, failed) = Self.feed(&parser, chunk)
                if failed {
                    for event in events {
                        if try await handle(event, output) == .stop { return .stopped(events: count) }
                        count += 1
                    }
                    return .failed(Self.invalid("DashScope's event stream had an oversized line or event"), events: count)
                }
                for event in events {
                    if try await handle(event, output) == .stop { return .stopped(events: count) }
                    count += 1
                }
            }
            if let last = parser.finish() {
                if try await handle(last, output) == .stop { return .stopped(events: count) }
                count += 1
            }
            // A 2xx stream that ends without a single event is not an answer: every caller reports it the same way.
            return count == 0 ? .failed(Self.invalid("DashScope's stream ended without any event"), events: 0)
                : .completed(events: count)
        } catch is ClientDisconnected {
            return .clientGone
        } catch let error as DashScopeError {
            if error == .cancelled || !output.isClientConnected { return .clientGone }
            return .failed(Self.midStream(error), events: count)
        } catch {
            return output.isClientConnected ? .failed(GatewayError.from(error), events: count) : .clientGone
        }
    }

    /// Feeds the parser; on a parser error returns the events completed before it and `true`.
    private static func feed(_ parser: inout SSEParser, _ chunk: [UInt8]) -> ([ServerSentEvent], Bool) {
        do {
            return (try parser.feed(chunk), false)
        } catch {
            return (error.completedEvents, true)
        }
    }

    /// An upstream failure after the head, as the error event reports it.
    static func midStream(_ error: DashScopeError) -> GatewayError {
        switch error {
        case .timeout:
            GatewayError(status: 504, code: "upstream_timeout", message: "DashScope went silent mid-stream past the idle timeout")
        case .unreachable:
            GatewayError(status: 502, code: "upstream_disconnected", message: "DashScope closed the stream before it ended")
        default:
            GatewayError.upstream(error)
        }
    }

    static func invalid(_ message: String) -> GatewayError {
        GatewayError(status: 502, code: "upstream_invalid_response", message: message)
    }
}

/// The client writer shared by the relay and its keep-alive ticker; remembers when it last wrote.
final class KeepAliveWriter: Sendable {
    private let writer: ResponseBodyWriter
    private let lastWrite = Mutex(ContinuousClock.now)

    init(writer: ResponseBodyWriter) {
        self.writer = writer
    }

    /// Writes bytes now and restarts the keep-alive countdown.
    func write(_ bytes: [UInt8]) async throws {
        lastWrite.withLock { $0 = .now }
        try await writer.write(bytes)
    }

    var isClientConnected: Bool { writer.isClientConnected }

    /// Writes `block` after every `interval` of silence until cancelled or the client leaves.
    func keepAlive(every interval: Duration, block: [UInt8]) async {
        while !Task.isCancelled {
            let due = lastWrite.withLock { $0 }.advanced(by: interval)
            do {
                try await Task.sleep(until: due, clock: .continuous)
            } catch {
                return
            }
            guard lastWrite.withLock({ $0 }).advanced(by: interval) <= .now else { continue }
            do {
                try await write(block)
            } catch {
                return
            }
        }
    }
}
