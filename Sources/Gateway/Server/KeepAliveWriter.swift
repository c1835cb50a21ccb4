import MicroHTTPServer
import Synchronization

/// The client writer shared by the relay and its keep-alive ticker; remembers when it last wrote.
///
/// Only the relay ever waits for a slow client: a keep-alive is queued only when it fits without waiting and
/// no relay write is waiting (a client that is not reading needs no keep-alive), so it never queues behind a
/// full buffer and is never cancelled mid-wait.
final class KeepAliveWriter: Sendable {
    private struct State {
        var lastWrite = ContinuousClock.now
        var relayWaiting = false
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

    /// Writes `block` after every `interval` of silence until cancelled or the client leaves; skips it while
    /// the client is behind.
    func keepAlive(every interval: Duration, block: [UInt8]) async {
        var due = state.withLock { $0.lastWrite }.advanced(by: interval)
        while !Task.isCancelled {
            do {
                try await Task.sleep(until: due, clock: .continuous)
            } catch {
                return
            }
            let now = ContinuousClock.now
            let (last, busy) = state.withLock { ($0.lastWrite, $0.relayWaiting) }
            if last.advanced(by: interval) > now {
                due = last.advanced(by: interval)
                continue
            }
            due = now.advanced(by: interval)
            if busy { continue }
            do {
                if try writer.writeIfRoom(block) {
                    state.withLock { $0.lastWrite = now }
                }
            } catch {
                return
            }
        }
    }
}
