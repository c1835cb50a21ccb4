import NIOCore
import Synchronization
import WebSockets

/// WebSocket sessions on connections libmicrohttpd handed over after a 101.
///
/// The design: libmicrohttpd (in its epoll mode, without TLS) gives the upgraded socket itself to the upgrade
/// handler and never touches it again until it is given back. NIO adopts a `dup` of it as a connected socket
/// channel (`ClientBootstrap.withConnectedSocket`), so reads, writes, back-pressure and hang-up detection are NIO's
/// own, on the process-wide event loops, with no thread per connection. When the session ends, NIO closes its copy
/// and only then is the original given back (`MHD_upgrade_action(CLOSE)`): libmicrohttpd shuts it down, which sends
/// the FIN, closes it and forgets the connection. The copy is what keeps the two closes from ever hitting a
/// descriptor number the other side already closed and the kernel reused.
final class UpgradedConnections: Sendable {
    private struct Entry {
        var task: Task<Void, Never>?
        var channel: Channel?
        var closing = false
    }

    private let open = Mutex<[Int: Entry]>([:])
    private let nextID = Atomic<Int>(0)

    /// Sessions running now.
    var count: Int { open.withLock { $0.count } }

    /// Runs `session` on `descriptor` (NIO owns it from here); `giveBack` runs once at the end, after NIO closed it.
    func start(
        descriptor: Int32, bufferedInput: [UInt8], limits: WebSocketLimits,
        session: @escaping @Sendable (WebSocketChannel) async -> Void, giveBack: @escaping @Sendable () -> Void
    ) {
        let id = nextID.add(1, ordering: .relaxed).newValue
        open.withLock { $0[id] = Entry() }
        let task = Task { [self] in
            if descriptor >= 0,
               let connection = try? await WebSocketAdoption.adopt(descriptor: descriptor, bufferedInput: bufferedInput, limits: limits) {
                let cut = open.withLock { entries -> Bool in
                    entries[id]?.channel = connection.channel
                    return entries[id]?.closing ?? true
                }
                if !cut { await session(connection) }
                // The session may return with the channel still open: close it and wait until NIO let go of its copy.
                connection.channel.close(promise: nil)
                try? await connection.channel.closeFuture.get()
            }
            giveBack()
            open.withLock { _ = $0.removeValue(forKey: id) }
        }
        open.withLock { $0[id]?.task = task }
    }

    /// Cancels every session and closes its connection (shutdown past the drain deadline).
    func closeAll() {
        let entries = open.withLock { entries -> [Entry] in
            for id in entries.keys { entries[id]?.closing = true }
            return Array(entries.values)
        }
        for entry in entries {
            entry.task?.cancel()
            entry.channel?.close(promise: nil)
        }
    }
}
