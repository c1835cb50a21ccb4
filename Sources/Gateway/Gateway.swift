import DashScope
import Logging
import MicroHTTPServer

/// The gateway: the DashScope client, the routes and the HTTP server, started and stopped together.
public final class Gateway: Sendable {
    /// The validated configuration.
    public let configuration: GatewayConfiguration
    /// Every route the server answers, in registration order.
    public let routes: [Route]
    /// The Prometheus metrics of this gateway (served at `/metrics`; routes record streams and upstream errors).
    public let metrics: GatewayMetrics
    private let client: DashScopeClient
    private let server: MicroHTTPServer
    private let logger: Logger
    private let drain = DrainState()

    /// Builds the gateway; throws when the configuration is invalid.
    public init(configuration: GatewayConfiguration, logger: Logger) throws(ConfigurationError) {
        try configuration.validate()
        let endpoint = try configuration.endpoint()
        guard let apiKey = configuration.apiKey else { throw ConfigurationError("no DashScope API key") }
        self.configuration = configuration
        self.logger = logger
        let metrics = GatewayMetrics()
        self.metrics = metrics
        self.client = DashScopeClient(endpoint: endpoint, apiKey: apiKey, timeouts: configuration.timeouts)
        let events = EventStream(keepAliveInterval: configuration.keepAliveInterval, metrics: metrics)
        let readiness = ReadinessProbe(
            client: client, timeout: configuration.readinessTimeout, cacheTTL: configuration.readinessCacheTTL,
            metrics: metrics)
        var routes = HealthRoutes(simulated: configuration.simulated).routes
        routes += TranscriptionRoutes(
            client: client, maxWaitSeconds: configuration.maxWaitSeconds,
            waitSlots: WaitSlots(limit: configuration.maxWaiters),
            inlineTranscriptsBudget: configuration.inlineTranscriptsBudget
        ).routes
        routes += VocabularyRoutes(client: client).routes
        routes += RecognitionRoutes(client: client, region: configuration.region, events: events).routes
        routes += OpsRoutes(metrics: metrics, readiness: readiness, drain: drain, simulated: configuration.simulated).routes
        routes += NativeRoutes(client: client, events: events).routes
        routes += LiveAudioRoutes(client: client).routes
        routes += OpenAIRoutes(client: client, configuration: configuration, events: events).routes
        self.routes = routes
        let handler = GatewayHandler(
            router: Router(routes: routes), configuration: configuration, logger: logger, metrics: metrics)
        var serverConfiguration = ServerConfiguration(
            host: configuration.listen.host, port: configuration.listen.port, threads: configuration.threads,
            connectionLimit: configuration.connectionLimit, idleTimeoutSeconds: configuration.idleTimeoutSeconds,
            bodyMemoryLimit: configuration.bodyMemoryLimit, perIPConnectionLimit: configuration.perIPConnectionLimit)
        serverConfiguration.requestTimeLimits = configuration.requestTimeLimits
        self.server = MicroHTTPServer(configuration: serverConfiguration, handler: handler)
    }

    /// Starts listening.
    public func start() throws {
        try server.start()
        let endpoint = client.endpoint.origin
        logger.info("funasr-gateway listening", metadata: [
            "address": "\(ListenAddress(host: configuration.listen.host, port: server.port))",
            "upstream": "\(endpoint)", "mode": "\(configuration.simulated ? "simulated" : "dashscope")",
            "local_auth": "\(configuration.tokens.isEmpty ? "off" : "on")",
        ])
    }

    /// Uses a new DashScope key for every upstream call from now on; open streams keep running.
    public func rotateKey(_ key: APIKey) {
        client.rotateKey(key)
    }

    /// The bound port.
    public var port: Int { server.port }

    /// Requests in flight (open streams included).
    public var activeRequests: Int { server.activeRequests }

    /// Turns `/readyz` to 503 at once, keeps accepting for the shutdown delay, then drains in-flight requests (up
    /// to the drain timeout), stops the server and closes the client.
    public func shutdown() async {
        drain.begin()
        logger.info("funasr-gateway draining", metadata: [
            "in_flight": "\(server.activeRequests)", "shutdown_delay": "\(configuration.shutdownDelaySeconds)s",
        ])
        if configuration.shutdownDelaySeconds > 0 {
            try? await Task.sleep(for: .seconds(configuration.shutdownDelaySeconds))
        }
        await server.shutdown(drainTimeout: .seconds(configuration.drainTimeoutSeconds))
        await client.shutdown()
        logger.info("funasr-gateway stopped")
    }
}
