import MicroHTTPServer
import Synchronization

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
