import Synchronization

/// One request's life on a connection: body collection, the handler task, and the response stream.
final class RequestContext: Sendable {
    /// What the final access-handler call should do.
    enum FinalCallAction {
        /// The connection is (or stays) suspended until the handler answers.
        case wait
        /// Queue this response now.
        case respond(HTTPResponse)
    }

    private enum Phase {
        case receiving
        case handling
        case ready(HTTPResponse)
        case responding
    }

    private struct State {
        var body: [UInt8] = []
        var overflowed = false
        var phase = Phase.receiving
        var task: Task<Void, Never>?
        var stream: StreamBuffer?
        var closed = false
    }

    let head: HTTPRequestHead
    let bodyLimit: Int
    private let connection: MHDConnection
    private let fd: Int32
    private let handler: any HTTPHandler
    private let onEnd: @Sendable (RequestContext) -> Void
    private let state = Mutex(State())

    init(
        head: HTTPRequestHead, connection: MHDConnection, fd: Int32, handler: any HTTPHandler,
        onEnd: @escaping @Sendable (RequestContext) -> Void
    ) {
        self.head = head
        self.connection = connection
        self.fd = fd
        self.handler = handler
        self.bodyLimit = handler.bodyLimit(for: head)
        self.onEnd = onEnd
    }

    /// A 413 answered before reading the body, when the declared length already passes the cap.
    func earlyRejection() -> HTTPResponse? {
        guard let declared = head.headers["Content-Length"].flatMap({ Int($0) }), declared > bodyLimit else {
            return nil
        }
        state.withLock { $0.phase = .responding }
        return handler.payloadTooLarge(head, limit: bodyLimit)
    }

    /// Appends a piece of the body; past the cap the body is dropped and the request marked.
    func appendBody(_ bytes: some Collection<UInt8>) {
        state.withLock { s in
            guard !s.overflowed else { return }
            if s.body.count + bytes.count > bodyLimit {
                s.overflowed = true
                s.body = []
            } else {
                s.body.append(contentsOf: bytes)
            }
        }
    }

    /// The access handler's last call for this request (and its call after a resume).
    func finalCall() -> FinalCallAction {
        state.withLock { s -> FinalCallAction in
            switch s.phase {
            case .receiving:
                if s.overflowed {
                    s.phase = .responding
                    return .respond(handler.payloadTooLarge(head, limit: bodyLimit))
                }
                s.phase = .handling
                let request = HTTPRequest(head: head, body: s.body)
                s.body = []
                connection.suspend()
                let handler = self.handler
                s.task = Task { [self] in
                    let response = await handler.handle(request)
                    handlerFinished(response)
                }
                return .wait
            case .ready(let response):
                s.phase = .responding
                return .respond(response)
            case .handling, .responding:
                return .wait
            }
        }
    }

    private func handlerFinished(_ response: HTTPResponse) {
        state.withLock { s in
            guard !s.closed, case .handling = s.phase else { return }
            s.phase = .ready(response)
            connection.resume()
        }
    }

    /// The buffer for a streamed body; its suspend and wake act on this connection while open.
    func makeStreamBuffer() -> StreamBuffer {
        StreamBuffer(
            suspend: { [connection] in connection.suspend() },
            wake: { [weak self] in self?.resumeIfOpen() })
    }

    private func resumeIfOpen() {
        state.withLock { s in
            if !s.closed { connection.resume() }
        }
    }

    /// Runs the producer of a queued stream; its return ends the body.
    func startStream(_ producer: @escaping @Sendable (ResponseBodyWriter) async -> Void, buffer: StreamBuffer) {
        state.withLock { s in
            s.stream = buffer
            s.task = Task {
                await producer(ResponseBodyWriter(buffer: buffer))
                buffer.finish()
            }
        }
    }

    /// While suspended, looks for a client that hung up; then cancels the work and ends the stream.
    func checkHangUp() {
        let (waiting, stream): (Bool, StreamBuffer?) = state.withLock { s in
            if s.closed { return (false, nil) }
            if case .handling = s.phase { return (true, nil) }
            return (false, s.stream)
        }
        let suspended = waiting || (stream?.isReaderSuspended ?? false)
        guard suspended, connection.clientHungUp(fd: fd) else { return }
        abort()
    }

    /// Cancels the handler or producer and ends the stream without its terminator.
    func abort() {
        let (task, stream) = state.withLock { ($0.task, $0.stream) }
        task?.cancel()
        stream?.abort()
    }

    /// libmicrohttpd finished with the request (sent, failed or the client left).
    func connectionClosed() {
        let (task, stream) = state.withLock { s in
            s.closed = true
            return (s.task, s.stream)
        }
        task?.cancel()
        stream?.abort()
        onEnd(self)
    }
}
