import AsyncHTTPClient
import NIOCore
import NIOPosix
import Synchronization

/// Reads an upstream body piece by piece and enforces the upstream idle timeout itself: only the time spent inside
/// `next(within:)` waiting for DashScope counts, so a relay paused by a slow client (which stops pulling, so
/// async-http-client stops reading the socket) never makes DashScope look silent. async-http-client's own read
/// timeout cannot tell the two apart and is off (`HTTPTransport`).
///
/// The read runs in the caller's task; one `IdleWatch` timer per body (re-armed when it fires, never per read)
/// cancels that task when a read has waited `idle`. A task group with a read task and a sleeping timer task for
/// every piece kept two tasks per open stream alive and created two per event (1,000 streams: +13 MB when flowing).
/// async-http-client's iterator is not Sendable because two tasks must not use it at once; here they never do.
final class UpstreamBodyReader: @unchecked Sendable {
    private var base: HTTPClientResponse.Body.AsyncIterator
    private var watch: IdleWatch?

    init(_ body: HTTPClientResponse.Body) {
        base = body.makeAsyncIterator()
    }

    deinit {
        watch?.close()
    }

    /// The next piece, nil at the end; throws `DashScopeError.timeout` when DashScope sent nothing for `idle`
    /// (the read is then cancelled, which closes the upstream connection), or the transport's error mapped.
    func next(within idle: Duration?) async throws -> [UInt8]? {
        guard let idle else { return try await read() }
        let watch: IdleWatch
        if let existing = self.watch {
            watch = existing
        } else {
            watch = IdleWatch(idle: idle, loop: HTTPClient.defaultEventLoopGroup.next())
            self.watch = watch
        }
        let task = withUnsafeCurrentTask { $0.map(IdleWatch.Reader.init) }
        guard watch.begin(task) else { throw DashScopeError.timeout }
        let piece: [UInt8]?
        do {
            piece = try await base.next().map { Array(buffer: $0) }
        } catch {
            if watch.end() { throw DashScopeError.timeout }
            watch.close()
            throw HTTPTransport.classify(error)
        }
        if watch.end() { throw DashScopeError.timeout }
        if piece == nil { watch.close() }
        return piece
    }

    private func read() async throws -> [UInt8]? {
        do {
            return try await base.next().map { Array(buffer: $0) }
        } catch {
            throw HTTPTransport.classify(error)
        }
    }
}

/// The idle deadline of one upstream body: a read in progress that has waited `idle` gets its task cancelled.
/// One scheduled callback per body; reads only note when they started, so no timer is armed or cancelled per read.
///
/// The timer runs on an event loop, but the cut is decided on the cooperative pool: when the countdown finds a read
/// that has waited `idle`, it queues a confirmation there, behind the read's own continuation if DashScope's bytes
/// already arrived: a pool too busy to resume the read in time is the gateway's delay, not DashScope's silence. Cut
/// straight from the loop, a busy pool ended healthy streams after a client's pause (UpstreamIdleTimeoutTests with
/// a test that kept both pool threads busy). An upstream inside this process (the simulator) waits for the same
/// pool, so a pool busy for the whole idle time can still make it look silent; the idle timeout is 60 s by default.
final class IdleWatch: Sendable {
    /// The task waiting in a read (only used while that read runs: `end()` forgets it before the read returns).
    struct Reader: @unchecked Sendable {
        let task: UnsafeCurrentTask
    }

    private struct State {
        var readingSince: ContinuousClock.Instant?
        var reads: UInt64 = 0
        var reader: Reader?
        var timedOut = false
        var closed = false
        var started = false
        var timer: Scheduled<Void>?
    }

    let idle: Duration
    let loop: any EventLoop
    /// Runs a confirmation on the cooperative pool at the reading task's priority (tests queue it themselves).
    private let confirmOnPool: @Sendable (TaskPriority?, @escaping @Sendable () -> Void) -> Void
    private let state = Mutex(State())

    init(
        idle: Duration, loop: any EventLoop,
        confirmOnPool: @escaping @Sendable (TaskPriority?, @escaping @Sendable () -> Void) -> Void = { priority, job in
            Task(priority: priority) { job() }
        }
    ) {
        self.idle = idle
        self.loop = loop
        self.confirmOnPool = confirmOnPool
    }

    /// A read starts in `reader`'s task; false when the body already timed out. Arms the timer the first time.
    func begin(_ reader: Reader?) -> Bool {
        let now = ContinuousClock.now
        let armFirst: Bool? = state.withLock { s in
            if s.timedOut || s.closed { return nil }
            s.readingSince = now
            s.reads &+= 1
            s.reader = reader
            defer { s.started = true }
            return !s.started
        }
        guard let armFirst else { return false }
        if armFirst { arm(after: idle) }
        return true
    }

    /// The read returned; true when it was cut because the idle deadline passed.
    func end() -> Bool {
        state.withLock { s in
            s.readingSince = nil
            s.reader = nil
            return s.timedOut
        }
    }

    /// The body ended: the timer stops.
    func close() {
        let timer: Scheduled<Void>? = state.withLock { s in
            s.closed = true
            s.reader = nil
            defer { s.timer = nil }
            return s.timer
        }
        timer?.cancel()
    }

    private func arm(after delay: Duration) {
        state.withLock { s in
            guard !s.closed, !s.timedOut else { return }
            s.timer = loop.scheduleTask(in: TimeAmount(max(delay, .zero))) { [self] in fire() }
        }
    }

    /// The countdown ended: re-arms for the rest of the idle time, or, when a read has waited all of it, asks the
    /// pool to confirm.
    private func fire() {
        let now = ContinuousClock.now
        let next: Countdown = state.withLock { s in
            s.timer = nil
            if s.closed || s.timedOut { return .stop }
            guard let since = s.readingSince else { return .rearm(idle) }
            let waited = since.duration(to: now)
            if waited < idle { return .rearm(idle - waited) }
            return .confirm(read: s.reads, priority: s.reader?.task.priority)
        }
        switch next {
        case .stop: return
        case .rearm(let delay): arm(after: delay)
        case .confirm(let read, let priority): confirmOnPool(priority) { [self] in confirm(read) }
        }
    }

    /// On the pool: cuts `read` if it is still waiting (its continuation, had DashScope answered, ran first), else
    /// counts down again from the read now in progress.
    private func confirm(_ read: UInt64) {
        let now = ContinuousClock.now
        let delay: Duration? = state.withLock { s in
            if s.closed || s.timedOut { return nil }
            guard let since = s.readingSince else { return idle }
            if s.reads != read { return idle - since.duration(to: now) }
            s.timedOut = true
            // Cancelled under the lock: `end()` cannot forget the reader (and its task finish) meanwhile.
            s.reader?.task.cancel()
            return nil
        }
        if let delay { arm(after: delay) }
    }

    private enum Countdown {
        case stop
        case rearm(Duration)
        case confirm(read: UInt64, priority: TaskPriority?)
    }
}
