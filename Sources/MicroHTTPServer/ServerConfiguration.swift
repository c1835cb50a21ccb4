/// How the HTTP server listens and bounds its connections.
public struct ServerConfiguration: Sendable {
    /// The address to bind: an IPv4 or IPv6 literal, or `localhost`.
    public var host: String
    /// The port to bind; 0 picks a free one (read it back from `MicroHTTPServer.port`).
    public var port: Int
    /// Worker threads in libmicrohttpd's epoll pool.
    public var threads: Int
    /// The most requests in flight at once (open streams included); past it a new request gets 503 + Retry-After.
    /// libmicrohttpd accepts a few more connections than this so that it can say so instead of dropping them.
    public var connectionLimit: Int
    /// The most connections one client address may hold (0: no limit); past it libmicrohttpd closes new ones.
    public var perIPConnectionLimit: Int
    /// Seconds an idle (not suspended) connection may stay open.
    public var idleTimeoutSeconds: Int
    /// How often suspended connections are checked for a client that hung up.
    public var hangUpCheckIntervalMilliseconds: Int
    /// Bytes all buffered request bodies together may hold; a body that does not fit is refused with 503.
    public var bodyMemoryLimit: Int
    /// Deadlines for a request's head and body (slow-loris defence); past them the connection is closed.
    public var requestTimeLimits = RequestTimeLimits()

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        threads: Int = 2,
        connectionLimit: Int = 4096,
        idleTimeoutSeconds: Int = 60,
        hangUpCheckIntervalMilliseconds: Int = 200,
        bodyMemoryLimit: Int = 256 << 20,
        perIPConnectionLimit: Int = 0
    ) {
        self.host = host
        self.port = port
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.hangUpCheckIntervalMilliseconds = hangUpCheckIntervalMilliseconds
        self.bodyMemoryLimit = bodyMemoryLimit
        self.perIPConnectionLimit = perIPConnectionLimit
    }

    /// Connections accepted beyond `connectionLimit`, to answer 503 on rather than drop.
    static let overloadHeadroom = 64
}

/// Why the server could not start.
public struct ServerStartError: Error, Sendable, CustomStringConvertible {
    /// A human sentence naming the cause.
    public let description: String
}
