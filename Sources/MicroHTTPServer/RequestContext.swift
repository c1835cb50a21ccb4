import Synchronization
import WebSockets

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
        /// The handler's `answerNow(_:)` runs (on the server's thread, not suspended).
        case answering
        case handling
        case ready(HTTPResponse)
        case responding
    }

    private struct State {
        var body: [UInt8] = []
        var overflowed = false
        /// The body budget could not cover the next chunk: the body is dropped and 503 answered.
        var overBudget = false
        /// Bytes of `budget` this request holds.
        var reserved = 0
        /// Body bytes received when the client was first seen to have shut its side mid-body.
        var receivedAtHangUp: Int?
        /// The client left mid-body: the body is dropped and no more is collected.
        var abandoned = false
        var phase = Phase.receiving
        /// The server was at its request limit when this request began (its limit).
        var overloadedAt: Int?
        /// What the handler decided from the head, handed to `handle(_:)`.
        var admission: (any Sendable)?
        var task: Task<Void, Never>?
        var stream: StreamBuffer?
        var closed = false
        /// The body as the handler reads it, when the head was admitted with `HeadDecision.stream`.
        var bodyStream: RequestBodyStream?
        /// A streaming handler's answer when it returned before the body was complete (sent at the final call).
        var earlyAnswer: HTTPResponse?
        /// Bytes of a streamed body received so far (checked against the cap).
        var received = 0
        /// The session of a queued 101, taken by libmicrohttpd's upgrade handler.
        var webSocket: (limits: WebSocketLimits, session: @Sendable (WebSocketChannel) async -> Void)?
    }

    let head: HTTPRequestHead
    let bodyLimit: Int
    private let framing: BodyFraming
    private let budget: BodyBudget
    private let connection: MHDConnection
    private let fd: Int32
    private let handler: any HTTPHandler
    private let onEnd: @Sendable (RequestContext) -> Void
    private let state = Mutex(State())

    init(
        head: HTTPRequestHead, connection: MHDConnection, fd: Int32, handler: any HTTPHandler, budget: BodyBudget,
        onEnd: @escaping @Sendable (RequestContext) -> Void
    ) {
        self.head = head
        self.framing = BodyFraming(headers: head.headers)
        self.budget = budget
        self.connection = connection
        self.fd = fd
        self.handler = handler
        self.bodyLimit = handler.bodyLimit(for: head)
        self.onEnd = onEnd
    }

    /// The answer decided from the head in the first access-handler call, before any body byte is read:
    /// ambiguous framing (400), the handler's own early answer, a declared length past the cap (413), or a body
    /// the memory budget cannot cover (503). Nil when the body is to be read; its declared length is then reserved.
    func headCall() -> HTTPResponse? {
        if case .invalid(let why) = framing {
            return refuse(handler.refusal(.badFraming(why), for: head), close: true)
        }
        if let limit = state.withLock({ $0.overloadedAt }) {
            return refuse(handler.refusal(.overloaded(limit: limit), for: head), close: true)
        }
        switch handler.decide(head) {
        case .answer(let early):
            guard framing.hasBody else {
                // Nothing to protect from reading: answer in the final call, which keeps the connection alive.
                state.withLock { $0.phase = .ready(early) }
                return nil
            }
            return refuse(early, close: true)
        case .proceed(let admission):
            state.withLock { $0.admission = admission }
        case .stream(let admission, let keepsBody):
            return startStreamedBody(admission: admission, keepsBody: keepsBody)
        }
        guard case .length(let declared) = framing, declared > 0 else { return nil }
        if declared > bodyLimit {
            return refuse(handler.refusal(.payloadTooLarge(limit: bodyLimit), for: head), close: true)
        }
        guard budget.reserve(declared) else {
            return refuse(handler.refusal(.busy, for: head), close: true)
        }
        state.withLock { $0.reserved = declared }
        return nil
    }

    /// A streamed body: the same head-time refusals (413 past the cap, 503 when the budget cannot cover the declared
    /// length a handler keeps, or what waits unread), then the handler starts at once and reads the body as it arrives.
    private func startStreamedBody(admission: (any Sendable)?, keepsBody: Bool) -> HTTPResponse? {
        let declared: Int? = if case .length(let length) = framing { length } else { nil }
        if let declared, declared > bodyLimit {
            return refuse(handler.refusal(.payloadTooLarge(limit: bodyLimit), for: head), close: true)
        }
        // At most the window plus what libmicrohttpd hands over in the call that crosses it is ever buffered.
        let window = RequestBodyStream.defaultWindow
        let buffered = min(declared ?? bodyLimit, window + RequestBodyStream.overshoot)
        let reservation = keepsBody ? max(buffered, declared ?? 0) : buffered
        guard budget.reserve(reservation) else {
            return refuse(handler.refusal(.busy, for: head), close: true)
        }
        let body = RequestBodyStream(
            declaredLength: declared, window: window,
            suspend: { [connection] in connection.suspend() },
            wake: { [weak self] in self?.resumeIfOpen() })
        if !framing.hasBody { body.finish() }
        let request = HTTPRequest(head: head, admission: admission, bodyStream: body)
        let handler = self.handler
        state.withLock { s in
            s.reserved = reservation
            s.bodyStream = body
            s.task = Task { [self] in
                let response = await handler.handle(request)
                body.readerFinished()
                handlerFinished(response)
            }
        }
        return nil
    }

    /// Notes that the server was past its request limit when this request began: `headCall()` answers 503.
    func markOverloaded(limit: Int) {
        state.withLock { $0.overloadedAt = limit }
    }

    /// Marks the request answered; with `close`, the connection closes after the answer so no unread body
    /// byte is ever parsed as a request.
    private func refuse(_ response: HTTPResponse, close: Bool) -> HTTPResponse {
        state.withLock { $0.phase = .responding }
        var response = response
        if close { response.headers.replace("Connection", "close") }
        return response
    }

    /// Appends a piece of the body; past the cap or the memory budget the body is dropped and the request marked.
    func appendBody(_ bytes: some Collection<UInt8>) {
        if let body = state.withLock({ $0.bodyStream }) {
            appendStreamed(bytes, to: body)
            return
        }
        state.withLock { s in
            guard case .receiving = s.phase, !s.overflowed, !s.overBudget, !s.abandoned else { return }
            let total = s.body.count + bytes.count
            if total > bodyLimit {
                s.overflowed = true
                dropBody(&s)
                return
            }
            if total > s.reserved {
                // Chunked: grow the reservation in steps of at least 64 KiB, never past the cap.
                let step = min(max(total - s.reserved, 64 << 10), bodyLimit - s.reserved)
                guard budget.reserve(step) else {
                    s.overBudget = true
                    dropBody(&s)
                    return
                }
                s.reserved += step
            }
            if s.body.isEmpty, case .length(let declared) = framing { s.body.reserveCapacity(declared) }
            s.body.append(contentsOf: bytes)
        }
    }

    /// A piece of a streamed body goes to its reader; past the cap the reader gets `tooLarge` and the rest is dropped.
    private func appendStreamed(_ bytes: some Collection<UInt8>, to body: RequestBodyStream) {
        let overflowing = state.withLock { s -> Bool in
            guard !s.overflowed, !s.abandoned else { return false }
            s.received += bytes.count
            if s.received > bodyLimit { s.overflowed = true }
            return s.overflowed
        }
        if overflowing {
            body.fail(.tooLarge(limit: bodyLimit))
        } else {
            body.offer(Array(bytes))
        }
    }

    private func dropBody(_ s: inout State) {
        s.body = []
        budget.release(s.reserved)
        s.reserved = 0
    }

    /// The access handler's last call for this request (and its call after a resume).
    func finalCall() -> FinalCallAction {
        // Outside this context's lock: the stream's own lock is taken first wherever both are held.
        let body = state.withLock { $0.bodyStream }
        body?.finish()
        // If libmicrohttpd got here in the same pass that suspended for a slow reader, that suspension is kept.
        let alreadySuspended = body?.takeOverSuspension() ?? false
        var complete: HTTPRequest?
        let decided = state.withLock { s -> FinalCallAction? in
            switch s.phase {
            case .receiving where s.bodyStream != nil:
                // Streamed: the body is complete; answer with the handler's response, or wait for it.
                if let early = s.earlyAnswer {
                    s.earlyAnswer = nil
                    s.phase = .responding
                    if alreadySuspended { connection.resume() }
                    return .respond(early)
                }
                s.phase = .handling
                if !alreadySuspended { connection.suspend() }
                return .wait
            case .receiving:
                if s.overflowed {
                    s.phase = .responding
                    return .respond(handler.refusal(.payloadTooLarge(limit: bodyLimit), for: head))
                }
                if s.overBudget || s.abandoned {
                    s.phase = .responding
                    return .respond(handler.refusal(.busy, for: head))
                }
                s.phase = .answering
                complete = HTTPRequest(head: head, body: s.body, admission: s.admission)
                s.admission = nil
                s.body = []
                return nil
            case .ready(let response):
                s.phase = .responding
                return .respond(response)
            case .answering, .handling, .responding:
                return .wait
            }
        }
        if let decided { return decided }
        guard let request = complete else { return .wait }
        return answer(request)
    }

    /// A complete request: the handler's answer at once when it has one (no task, no suspension), else the
    /// connection is suspended and the handler answers from a callback (`answerLater`) or in a task.
    private func answer(_ request: HTTPRequest) -> FinalCallAction {
        // Outside the lock: the handler's own work never holds this context.
        if let response = handler.answerNow(request) {
            state.withLock { s in
                budget.release(s.reserved)
                s.reserved = 0
                s.phase = .responding
            }
            return .respond(response)
        }
        // Suspended before the handler starts, so its reply (which resumes) can never come first.
        state.withLock { s in
            s.phase = .handling
            connection.suspend()
        }
        if handler.answerLater(request, reply: { [self] in handlerFinished($0) }) { return .wait }
        state.withLock { s in
            // Shutdown may have answered while the lock was free: the handler has no one to answer then.
            guard !s.closed, case .handling = s.phase else { return }
            let handler = self.handler
            s.task = Task { [self] in
                let response = await handler.handle(request)
                handlerFinished(response)
            }
        }
        return .wait
    }

    private func handlerFinished(_ response: HTTPResponse) {
        state.withLock { s in
            // The handler is done with the body: its reservation goes back to the budget.
            budget.release(s.reserved)
            s.reserved = 0
            if !s.closed, case .receiving = s.phase {
                // A streaming handler answered before the body ended: the rest is dropped, then this is sent.
                s.earlyAnswer = response
                return
            }
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

    /// Keeps the session of a 101 being queued until libmicrohttpd hands the socket over.
    func prepareWebSocket(limits: WebSocketLimits, session: @escaping @Sendable (WebSocketChannel) async -> Void) {
        state.withLock { $0.webSocket = (limits, session) }
    }

    /// The session of the queued 101 (once).
    func takeWebSocket() -> (limits: WebSocketLimits, session: @Sendable (WebSocketChannel) async -> Void)? {
        state.withLock { s in
            defer { s.webSocket = nil }
            return s.webSocket
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

    /// While suspended, looks for a client that hung up; then cancels the work and ends the stream. While a
    /// body is being received, a client that shut its side and sent nothing for a whole check interval
    /// gives its body reservation back (libmicrohttpd itself keeps such a connection until its idle timeout).
    func checkHangUp() {
        let (waiting, stream, receivedSoFar): (Bool, StreamBuffer?, Int?) = state.withLock { s in
            if s.closed { return (false, nil, nil) }
            if case .handling = s.phase { return (true, nil, nil) }
            if case .receiving = s.phase, s.reserved > 0 {
                // Suspended because the reader is behind: no progress is expected until it catches up and resumes.
                if s.bodyStream?.isProducerSuspended == true { return (false, nil, nil) }
                return (false, nil, s.bodyStream == nil ? s.body.count : s.received)
            }
            return (false, s.stream, nil)
        }
        if let receivedSoFar {
            guard connection.clientHungUp(fd: fd) else { return }
            let (streamed, task): (RequestBodyStream?, Task<Void, Never>?) = state.withLock { s in
                guard case .receiving = s.phase, s.reserved > 0 else { return (nil, nil) }
                let now = s.bodyStream == nil ? s.body.count : s.received
                guard s.receivedAtHangUp == receivedSoFar, now == receivedSoFar else {
                    s.receivedAtHangUp = receivedSoFar
                    return (nil, nil)
                }
                s.abandoned = true
                dropBody(&s)
                return (s.bodyStream, s.task)
            }
            // A streaming handler sees the hang-up as the end of its body, and its work is cancelled.
            streamed?.fail(.clientDisconnected)
            if streamed != nil { task?.cancel() }
            return
        }
        let suspended = waiting || (stream?.isReaderSuspended ?? false)
        guard suspended, connection.clientHungUp(fd: fd) else { return }
        abort()
    }

    /// Cancels the handler or producer and ends the stream without its terminator.
    func abort() {
        let (task, stream, body) = state.withLock { ($0.task, $0.stream, $0.bodyStream) }
        body?.fail(.clientDisconnected)
        task?.cancel()
        stream?.abort()
    }

    /// Shutdown past the drain deadline: cancels the work like `abort()`, and a request still waiting for its
    /// handler is answered 503 at once, so no connection stays suspended when the daemon stops.
    func endForShutdown() {
        abort()
        // A body suspended for a slow reader resumes (and is dropped) even if the handler ignores cancellation.
        state.withLock { $0.bodyStream }?.readerFinished()
        state.withLock { s in
            guard !s.closed, case .handling = s.phase else { return }
            s.phase = .ready(HTTPResponse(
                status: 503, contentType: "text/plain", text: "server shutting down",
                headers: ["Connection": "close", "Retry-After": "1"]))
            connection.resume()
        }
    }

    /// libmicrohttpd finished with the request (sent, failed or the client left).
    func connectionClosed() {
        let (task, stream, body) = state.withLock { s in
            s.closed = true
            dropBody(&s)
            return (s.task, s.stream, s.bodyStream)
        }
        body?.fail(.clientDisconnected)
        task?.cancel()
        stream?.abort()
        onEnd(self)
    }
}
