import Synchronization

/// An HTTP/1.1 server on libmicrohttpd: an epoll thread pool, suspended connections while handlers
/// wait, streamed bodies with back-pressure, hang-up detection and a graceful drain.
public final class MicroHTTPServer: Sendable {
    private struct Running {
        var daemon: MHDDaemon
        var watchdog: Task<Void, Never>
    }

    /// The configuration it was created with.
    public let configuration: ServerConfiguration
    private let core: ServerCore
    private let running = Mutex<Running?>(nil)

    /// Creates a server; nothing listens until `start()`.
    public init(configuration: ServerConfiguration, handler: some HTTPHandler) {
        self.configuration = configuration
        self.core = ServerCore(
            handler: handler, bodyMemoryLimit: configuration.bodyMemoryLimit, requestLimit: configuration.connectionLimit)
    }

    /// Binds and starts serving; throws when the address cannot be bound.
    public func start() throws {
        let daemon = try MHDDaemon(configuration: configuration, core: core)
        let interval = max(10, configuration.hangUpCheckIntervalMilliseconds)
        let watchdog = Task.detached { [core] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(interval))
                core.checkHangUps()
                daemon.enforceDeadlines()
            }
        }
        running.withLock { $0 = Running(daemon: daemon, watchdog: watchdog) }
    }

    /// The bound port (useful after binding port 0); 0 before `start()`.
    public var port: Int {
        running.withLock { $0?.daemon.port ?? 0 }
    }

    /// Bytes of the request-body memory budget reserved now.
    public var bodyMemoryInUse: Int {
        core.bodyBudget.inUse
    }

    /// Requests in flight (including open streams).
    public var activeRequests: Int {
        core.activeCount
    }

    /// Stops accepting, lets requests in flight finish within `drainTimeout`, cancels the rest, stops.
    public func shutdown(drainTimeout: Duration = .seconds(10)) async {
        guard let current = running.withLock({ state -> Running? in
            defer { state = nil }
            return state
        }) else { return }
        let listenSocket = current.daemon.quiesce()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: drainTimeout)
        while core.activeCount > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if core.activeCount > 0 {
            core.abortAll()
            let hardDeadline = clock.now.advanced(by: .seconds(5))
            while core.activeCount > 0, clock.now < hardDeadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        current.watchdog.cancel()
        current.daemon.stop(listenSocket: listenSocket)
    }
}
