import Synchronization

/// One connection's `RequestDeadline`, shared by libmicrohttpd's callbacks (which feed it) and the server's
/// watchdog (which cuts the connection once a deadline passed). Created when libmicrohttpd accepts the connection,
/// closed when it reports the connection closed — before it closes the socket, so a cut made under this lock never
/// reaches a socket number that was closed and reused.
final class ConnectionWatch: Sendable {
    private struct State {
        var deadline: RequestDeadline
        var closed = false
        var cut = false
    }

    private let fd: Int32
    private let state: Mutex<State>

    init(fd: Int32, limits: RequestTimeLimits, openedAt now: ContinuousClock.Instant = .now) {
        self.fd = fd
        self.state = Mutex(State(deadline: RequestDeadline(openedAt: now, limits: limits)))
    }

    /// The head is complete (the access handler's first call of a request).
    func headComplete(expectsBody: Bool) {
        let now = ContinuousClock.now
        state.withLock { $0.deadline.headComplete(at: now, expectsBody: expectsBody) }
    }

    /// Body bytes arrived.
    func received(_ count: Int) {
        state.withLock { $0.deadline.received(count) }
    }

    /// The body is complete; true when it came after its deadline (then only a 408 is answered).
    func bodyComplete() -> Bool {
        let now = ContinuousClock.now
        return state.withLock { s in
            let late = s.deadline.expired(at: now) == .body
            s.deadline.bodyComplete()
            return late
        }
    }

    /// The server suspended the connection.
    func suspended() {
        let now = ContinuousClock.now
        state.withLock { $0.deadline.suspended(at: now) }
    }

    /// The server resumed the connection.
    func resumed() {
        let now = ContinuousClock.now
        state.withLock { $0.deadline.resumed(at: now) }
    }

    /// The request was answered; the connection may carry another.
    func requestEnded() {
        let now = ContinuousClock.now
        state.withLock { $0.deadline.requestEnded(at: now) }
    }

    /// The connection was upgraded (WebSocket): no HTTP deadline applies to it any more, so it is never cut.
    func handedOver() {
        state.withLock { $0.closed = true }
    }

    /// libmicrohttpd is closing the connection; its socket is still open while this runs.
    func closed() {
        state.withLock { $0.closed = true }
    }

    /// When a deadline has passed, runs `cut` on the socket (once, and never after `closed()`); returns which.
    func cutIfExpired(at now: ContinuousClock.Instant, _ cut: (Int32) -> Void) -> RequestDeadline.Expiry? {
        state.withLock { s in
            guard !s.closed, !s.cut, fd >= 0, let expiry = s.deadline.expired(at: now) else { return nil }
            s.cut = true
            cut(fd)
            return expiry
        }
    }
}

/// Every open connection's watch, for the watchdog.
final class ConnectionWatches: Sendable {
    /// The limits every new connection gets.
    let limits: RequestTimeLimits
    private let open = Mutex<[ObjectIdentifier: ConnectionWatch]>([:])

    init(limits: RequestTimeLimits) {
        self.limits = limits
    }

    /// Registers a newly accepted connection.
    func opened(fd: Int32) -> ConnectionWatch {
        let watch = ConnectionWatch(fd: fd, limits: limits)
        open.withLock { $0[ObjectIdentifier(watch)] = watch }
        return watch
    }

    /// Forgets a closed connection.
    func closed(_ watch: ConnectionWatch) {
        watch.closed()
        open.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(watch)) }
    }

    /// Connections open now.
    var count: Int { open.withLock { $0.count } }

    /// Cuts every connection past a deadline with `cut`; returns how many were cut.
    @discardableResult
    func enforce(at now: ContinuousClock.Instant = .now, _ cut: (Int32) -> Void) -> Int {
        var cutCount = 0
        for watch in open.withLock({ Array($0.values) }) where watch.cutIfExpired(at: now, cut) != nil {
            cutCount += 1
        }
        return cutCount
    }
}
