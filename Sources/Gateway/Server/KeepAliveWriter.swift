import MicroHTTPServer
import NIOCore
import NIOPosix
import Synchronization

/// The client writer shared by the relay and its keep-alive timer; remembers when it last wrote.
///
/// Only the relay ever waits for a slow client: a keep-alive is queued only when it fits without waiting and
/// no relay write is waiting (a client that is not reading needs no keep-alive), so it never queues behind a
/// full buffer. The timer is one scheduled callback on an event loop, re-armed when it fires (never per write),
/// not a task per stream: 1,000 open streams each kept a sleeping task and its frames alive.
final class KeepAliveWriter: Sendable {
    private struct State {
        var lastWrite = ContinuousClock.now
        var relayWaiting = false
        var timer: Scheduled<Void>?
        var stopped = false
    }

    private let writer: ResponseBodyWriter
    private let state = Mutex(State())

    init(writer: ResponseBodyWriter) {
        self.writer = writer
    }

    /// Writes bytes now (waiting while the client is behind) and restarts the keep-alive countdown.
    func write(_ bytes: [UInt8]) async throws {
        state.withLock {
            $0.lastWrite = .now
            $0.relayWaiting = true
        }
        defer { state.withLock { $0.relayWaiting = false } }
        try await writer.write(bytes)
    }

    var isClientConnected: Bool { writer.isClientConnected }

    /// Writes `block` after every `interval` of silence until `stopKeepAlive()` or the client leaves; skips it
    /// while the client is behind. The countdown runs on `loop`.
    func startKeepAlive(every interval: Duration, block: [UInt8], on loop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()) {
        let due = state.withLock { $0.lastWrite }.advanced(by: interval)
        arm(at: due, KeepAliveTimer(interval: interval, block: block, loop: loop))
    }

    /// Stops the keep-alive timer (the relay ended).
    func stopKeepAlive() {
        let timer: Scheduled<Void>? = state.withLock { s in
            s.stopped = true
            defer { s.timer = nil }
            return s.timer
        }
        timer?.cancel()
    }

    private func arm(at due: ContinuousClock.Instant, _ timer: KeepAliveTimer) {
        let delay = ContinuousClock.now.duration(to: due)
        state.withLock { s in
            guard !s.stopped else { return }
            s.timer = timer.loop.scheduleTask(in: TimeAmount(max(delay, .zero))) { [self] in fire(timer) }
        }
    }

    /// The countdown ended: writes the block after a whole interval of silence, or re-arms for the rest of it.
    private func fire(_ timer: KeepAliveTimer) {
        let now = ContinuousClock.now
        let (last, busy, stopped) = state.withLock { ($0.lastWrite, $0.relayWaiting, $0.stopped) }
        if stopped { return }
        if last.advanced(by: timer.interval) > now {
            arm(at: last.advanced(by: timer.interval), timer)
            return
        }
        if !busy {
            do {
                if try writer.writeIfRoom(timer.block) {
                    state.withLock { $0.lastWrite = now }
                }
            } catch {
                return
            }
        }
        arm(at: now.advanced(by: timer.interval), timer)
    }
}

/// What a keep-alive timer writes, how often, and on which event loop it counts down.
private struct KeepAliveTimer: Sendable {
    let interval: Duration
    let block: [UInt8]
    let loop: any EventLoop
}
