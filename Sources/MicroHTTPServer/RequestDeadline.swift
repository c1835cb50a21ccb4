/// How long a client may take to send a request (slow-loris defence). libmicrohttpd's own connection timeout is
/// an inactivity timeout reset by every byte, so one byte every few seconds would hold a connection forever.
public struct RequestTimeLimits: Sendable, Equatable {
    /// From accept to a complete request head; past it the connection is closed.
    public var header: Duration
    /// Time a body gets on top of what its size needs at `bodyMinimumRate`.
    public var body: Duration
    /// The slowest average rate, in bytes per second, a body may arrive at once `body` is used up.
    public var bodyMinimumRate: Int
    /// How long a kept-alive connection may wait, silent, for its next request (libmicrohttpd's idle timeout);
    /// that request's head is due `header` after it.
    var keepAliveIdle: Duration

    /// Creates limits (`keepAliveIdle` is the server's idle timeout, set when it starts).
    public init(header: Duration = .seconds(10), body: Duration = .seconds(30), bodyMinimumRate: Int = 16 << 10) {
        self.header = header
        self.body = body
        self.bodyMinimumRate = bodyMinimumRate
        self.keepAliveIdle = .seconds(60)
    }
}

/// Where one connection stands against its `RequestTimeLimits`: a pure state machine fed by the server's
/// callbacks (head complete, body bytes, suspend and resume, request done) and asked whether it is past a deadline.
///
/// The body clock runs only while the server is ready to read: time the connection is suspended (the server's
/// reader is behind, or the handler is working) is the server's, not the client's, and does not count.
struct RequestDeadline: Sendable, Equatable {
    /// Which deadline passed.
    enum Expiry: Sendable, Equatable {
        /// The request head was not complete in time.
        case head
        /// The body arrived slower than allowed.
        case body
    }

    private enum Phase: Sendable, Equatable {
        /// Waiting for a complete head until `due`.
        case head(due: ContinuousClock.Instant)
        /// Receiving a body.
        case body(BodyClock)
        /// No deadline: the request is being handled or answered.
        case none
    }

    /// A body's progress and the time it had to arrive.
    private struct BodyClock: Sendable, Equatable {
        var started: ContinuousClock.Instant
        var received = 0
        /// Time spent suspended so far (not counted).
        var paused: Duration = .zero
        var pausedSince: ContinuousClock.Instant?

        func activeTime(at now: ContinuousClock.Instant) -> Duration {
            now - started - paused - (pausedSince.map { now - $0 } ?? .zero)
        }
    }

    let limits: RequestTimeLimits
    private var phase: Phase

    /// A connection accepted at `now`: its first head is due `limits.header` later.
    init(openedAt now: ContinuousClock.Instant, limits: RequestTimeLimits) {
        self.limits = limits
        self.phase = .head(due: now + limits.header)
    }

    /// The head is complete; with a body to come its clock starts now, otherwise no deadline applies.
    mutating func headComplete(at now: ContinuousClock.Instant, expectsBody: Bool) {
        phase = expectsBody ? .body(BodyClock(started: now)) : .none
    }

    /// `count` more body bytes arrived.
    mutating func received(_ count: Int) {
        guard case .body(var clock) = phase else { return }
        clock.received += count
        phase = .body(clock)
    }

    /// The whole body arrived (or an answer was queued): no deadline until the next request.
    mutating func bodyComplete() {
        phase = .none
    }

    /// The server stopped reading this connection.
    mutating func suspended(at now: ContinuousClock.Instant) {
        guard case .body(var clock) = phase, clock.pausedSince == nil else { return }
        clock.pausedSince = now
        phase = .body(clock)
    }

    /// The server reads this connection again.
    mutating func resumed(at now: ContinuousClock.Instant) {
        guard case .body(var clock) = phase, let since = clock.pausedSince else { return }
        clock.paused += now - since
        clock.pausedSince = nil
        phase = .body(clock)
    }

    /// The answer was sent and the connection is kept alive: the next head is due after the idle wait plus
    /// `limits.header`.
    mutating func requestEnded(at now: ContinuousClock.Instant) {
        phase = .head(due: now + limits.keepAliveIdle + limits.header)
    }

    /// The deadline that has passed at `now`, if any.
    func expired(at now: ContinuousClock.Instant) -> Expiry? {
        switch phase {
        case .head(let due):
            return now >= due ? .head : nil
        case .body(let clock):
            return clock.activeTime(at: now) > allowance(forReceived: clock.received) ? .body : nil
        case .none:
            return nil
        }
    }

    /// The active time a body that has delivered `received` bytes may have taken: `limits.body`, plus the time
    /// those bytes need at the minimum rate.
    func allowance(forReceived received: Int) -> Duration {
        let rate = max(1, limits.bodyMinimumRate)
        return limits.body + .seconds(received / rate) + .milliseconds((received % rate) * 1000 / rate)
    }
}
