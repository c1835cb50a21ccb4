import Synchronization

/// The bounded queue between a stream's producer task and libmicrohttpd's content reader.
///
/// Pure state plus two injected actions (suspending and resuming the connection), both run
/// under the buffer's lock so a wake can never overtake the suspend it answers; the
/// back-pressure and end-of-stream rules are testable without sockets.
final class StreamBuffer: Sendable {
    /// What the content reader should do next.
    enum ReadOutcome: Equatable {
        /// Send these bytes.
        case bytes([UInt8])
        /// Nothing queued yet: the reader suspends the connection and returns 0.
        case suspend
        /// The producer finished: send the chunked terminator.
        case endOfStream
        /// The stream was aborted: close without a terminator.
        case abort
    }

    private struct State {
        var pending: [UInt8] = []
        var readIndex = 0
        var finished = false
        var cutWhenDrained = false
        var aborted = false
        var readerSuspended = false
        /// Every writer waiting for the queue to drain (the relay and its keep-alive ticker can both wait).
        var producersWaiting: [CheckedContinuation<Void, Error>] = []
        var queued: Int { pending.count - readIndex }
    }

    /// Above this many queued bytes a write waits for the client to read.
    let highWater: Int
    private let state = Mutex(State())
    private let suspend: @Sendable () -> Void
    private let wake: @Sendable () -> Void

    /// Creates a buffer; `suspend` parks the connection, `wake` resumes it.
    init(
        highWater: Int = 64 * 1024,
        suspend: @escaping @Sendable () -> Void,
        wake: @escaping @Sendable () -> Void
    ) {
        self.highWater = highWater
        self.suspend = suspend
        self.wake = wake
    }

    /// True while the stream is neither finished nor aborted.
    var isOpen: Bool {
        state.withLock { !$0.finished && !$0.aborted }
    }

    /// Queues bytes; waits while the queue is above the high-water mark.
    func write(_ bytes: [UInt8]) async throws {
        if bytes.isEmpty { return }
        let mustWait: Bool = try state.withLock { s in
            if s.aborted || s.finished { throw ClientDisconnected() }
            s.pending.append(contentsOf: bytes)
            if s.readerSuspended {
                s.readerSuspended = false
                wake()
            }
            return s.queued > highWater
        }
        guard mustWait else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let resumeNow: Result<Void, Error>? = state.withLock { s in
                    if s.aborted { return .failure(ClientDisconnected()) }
                    if s.queued <= highWater { return .success(()) }
                    s.producersWaiting.append(continuation)
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        } onCancel: {
            abort()
        }
    }

    /// Queues bytes only when they fit under the high-water mark; never waits. False when they did not fit.
    func writeIfRoom(_ bytes: [UInt8]) throws -> Bool {
        try state.withLock { s in
            if s.aborted || s.finished { throw ClientDisconnected() }
            if s.queued + bytes.count > highWater { return false }
            s.pending.append(contentsOf: bytes)
            if s.readerSuspended, !bytes.isEmpty {
                s.readerSuspended = false
                wake()
            }
            return true
        }
    }

    /// Called by the content reader: the next bytes (at most `max`), or what to do instead.
    func read(max: Int) -> ReadOutcome {
        var continuations: [CheckedContinuation<Void, Error>] = []
        let outcome: ReadOutcome = state.withLock { s in
            if s.aborted { return .abort }
            if s.queued == 0 {
                if s.finished { return s.cutWhenDrained ? .abort : .endOfStream }
                s.readerSuspended = true
                suspend()
                return .suspend
            }
            let count = min(max, s.queued)
            let chunk = Array(s.pending[s.readIndex..<(s.readIndex + count)])
            s.readIndex += count
            if s.readIndex == s.pending.count {
                s.pending.removeAll(keepingCapacity: true)
                s.readIndex = 0
            } else if s.readIndex > 32 * 1024 {
                s.pending.removeFirst(s.readIndex)
                s.readIndex = 0
            }
            if s.queued <= highWater / 2, !s.producersWaiting.isEmpty {
                swap(&continuations, &s.producersWaiting)
            }
            return .bytes(chunk)
        }
        for continuation in continuations { continuation.resume() }
        return outcome
    }

    /// The producer is done: the reader sends what is queued, then the terminator (or, when
    /// `abruptly`, closes the connection without it).
    func finish(abruptly: Bool = false) {
        state.withLock { s in
            if abruptly { s.cutWhenDrained = true }
            s.finished = true
            if s.readerSuspended {
                s.readerSuspended = false
                wake()
            }
        }
    }

    /// The client left or the server is stopping: fail waiting and future writes.
    func abort() {
        let continuations: [CheckedContinuation<Void, Error>] = state.withLock { s in
            s.aborted = true
            if s.readerSuspended {
                s.readerSuspended = false
                wake()
            }
            defer { s.producersWaiting = [] }
            return s.producersWaiting
        }
        for continuation in continuations { continuation.resume(throwing: ClientDisconnected()) }
    }

    /// True while the reader is parked waiting for bytes (the connection is suspended).
    var isReaderSuspended: Bool {
        state.withLock { $0.readerSuspended }
    }
}
