import MicroHTTPServer

/// A `Simulator` served over HTTP by `MicroHTTPServer` (for end-to-end tests, benchmarks and `--simulate`).
public final class SimulatorServer: Sendable {
    /// The double behind the socket: inject faults and read recorded requests here.
    public let simulator: Simulator
    private let server: MicroHTTPServer
    private let host: String

    /// Creates a server for `simulator` on `host`:`port` (0 picks a free port); call `start()`.
    public init(simulator: Simulator = Simulator(), host: String = "127.0.0.1", port: Int = 0, threads: Int = 2) {
        self.simulator = simulator
        self.host = host
        server = MicroHTTPServer(
            configuration: ServerConfiguration(host: host, port: port, threads: threads), handler: simulator)
    }

    /// Binds and serves; result URLs then default to `baseURL`.
    public func start() throws {
        try server.start()
        simulator.setBoundBaseURL(baseURL)
    }

    /// Requests in flight on the double (open streams included).
    public var activeRequests: Int { server.activeRequests }

    /// The bound port (0 before `start()`).
    public var port: Int { server.port }

    /// `http://host:port`, with a wildcard host replaced by loopback and IPv6 bracketed.
    public var baseURL: String {
        let reachable = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : host
        let literal = reachable.contains(":") ? "[\(reachable)]" : reachable
        return "http://\(literal):\(port)"
    }

    /// The DashScope API root (`baseURL` + `/api/v1`), what a client's base URL should be.
    public var apiBaseURL: String { baseURL + "/api/v1" }

    /// Stops serving, letting open streams finish within `drainTimeout`.
    public func shutdown(drainTimeout: Duration = .seconds(2)) async {
        await server.shutdown(drainTimeout: drainTimeout)
    }
}
