import ServerSentEvents

/// DashScope's recognition events as they arrive, each the moment its blank line is read (pulled: a slow reader
/// slows the upstream read). The sequence ends normally after the last event, or throws one `DashScopeError`:
/// `.api` for an error frame, `.disconnected` or `.idleTimeout` when DashScope cut or stalled the stream,
/// `.invalidResponse` for something that is not an event stream or a stream without a single event.
public struct RecognitionEvents: AsyncSequence, Sendable {
    /// One DashScope event (`id`, `event: result`, `:HTTP_STATUS/200`, JSON `data`).
    public typealias Element = ServerSentEvent

    enum Source: Sendable {
        case body(UpstreamBody)
        case single(ServerSentEvent)
    }

    let source: Source
    let call: CallContext

    init(_ source: Source, call: CallContext) {
        self.source = source
        self.call = call
    }

    /// Starts reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source, call: call)
    }

    /// Parses the body incrementally and hands out one event at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var body: UpstreamBody.AsyncIterator?
        private var parser = SSEParser()
        private var ready: [ServerSentEvent] = []
        private var readyIndex = 0
        /// A failure to throw once the events parsed before it are handed out.
        private var failure: DashScopeError?
        private var delivered = 0
        private var ended = false
        private let call: CallContext

        init(source: Source, call: CallContext) {
            self.call = call
            switch source {
            case .body(let body): self.body = body.makeAsyncIterator()
            case .single(let event): ready = [event]
            }
        }

        /// The next event, nil at the normal end; throws the stream's one `DashScopeError`.
        public mutating func next() async throws(DashScopeError) -> ServerSentEvent? {
            while true {
                if readyIndex < ready.count {
                    let event = ready[readyIndex]
                    readyIndex += 1
                    if ErrorFrame.isError(event) { throw end(.api(ErrorFrame.error(from: event))) }
                    delivered += 1
                    return event
                }
                if let failure {
                    self.failure = nil
                    throw end(failure)
                }
                if ended || body == nil {
                    if !ended, delivered == 0 { throw end(.invalidResponse("DashScope's stream ended without any event")) }
                    ended = true
                    return nil
                }
                try await read()
            }
        }

        /// Reads one body piece into `ready` (or notes the end or the failure).
        private mutating func read() async throws(DashScopeError) {
            ready.removeAll(keepingCapacity: true)
            readyIndex = 0
            let chunk: [UInt8]?
            do {
                chunk = try await body?.next()
            } catch {
                failure = Self.midStream(HTTPTransport.classify(error))
                return
            }
            guard let chunk else {
                if let last = parser.finish() { ready = [last] }
                body = nil
                return
            }
            do {
                ready = try parser.feed(chunk)
            } catch {
                ready = error.completedEvents
                failure = .invalidResponse("DashScope's event stream had an oversized line or event")
            }
        }

        /// A transport failure after the head, as the stream reports it.
        private static func midStream(_ error: DashScopeError) -> DashScopeError {
            switch error {
            case .timeout: .idleTimeout
            case .unreachable: .disconnected
            default: error
            }
        }

        /// Ends the sequence with `error`, reported once.
        private mutating func end(_ error: DashScopeError) -> DashScopeError {
            ended = true
            body = nil
            ready = []
            readyIndex = 0
            failure = nil
            return call.failed(error)
        }
    }
}
