import DashScope
import FoundationEssentials
import Logging
import Synchronization
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
    private let store: any JobStore
    /// The hourly pruning of old jobs, running between start and shutdown.
    private let pruner = Mutex<Task<Void, Never>?>(nil)
    /// Follows open jobs in the background (when configured).
    let poller: JobPoller
    private let polling = Mutex<Task<Void, Never>?>(nil)
    /// Delivers due webhooks in the background (when a webhook secret is configured).
    private let deliverer: WebhookDeliverer
    private let delivering = Mutex<Task<Void, Never>?>(nil)

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
        let store = try Self.openStore(configuration.store)
        self.store = store
        let queries = TaskQueries(
            client: client, budget: QueryBudget(rate: configuration.pollRate), reuseWindow: configuration.taskAnswerReuse)
        var jobs = JobKeeper(
            store: store, client: client, queries: queries, logger: logger,
            documentRetries: DocumentRetries(schedule: configuration.documentRetries))
        jobs.defaultCallbackURL = configuration.webhooks.defaultURL
        self.poller = JobPoller(keeper: jobs, logger: logger)
        self.deliverer = WebhookDeliverer(
            store: store, configuration: configuration.webhooks, logger: logger,
            renderView: { task, job in TranscriptionRoutes.view(task, job: job) })
        let events = EventStream(keepAliveInterval: configuration.keepAliveInterval, metrics: metrics)
        let readiness = ReadinessProbe(
            client: client, timeout: configuration.readinessTimeout, cacheTTL: configuration.readinessCacheTTL,
            metrics: metrics)
        var routes = HealthRoutes(simulated: configuration.simulated).routes
        routes += TranscriptionRoutes(
            client: client, maxWaitSeconds: configuration.maxWaitSeconds, jobs: jobs,
            waitSlots: WaitSlots(limit: configuration.maxWaiters),
            inlineTranscriptsBudget: configuration.inlineTranscriptsBudget, webhooks: configuration.webhooks
        ).routes
        routes += VocabularyRoutes(client: client).routes
        routes += RecognitionRoutes(client: client, region: configuration.region, events: events).routes
        routes += OpsRoutes(metrics: metrics, readiness: readiness, drain: drain, simulated: configuration.simulated).routes
        routes += WebPageRoutes().routes
        routes += NativeRoutes(client: client, events: events, jobs: jobs).routes
        routes += LiveAudioRoutes(client: client, metrics: metrics).routes
        routes += OpenAIRoutes(client: client, configuration: configuration, events: events, jobs: jobs).routes
        routes += RealtimeRoutes(client: client, metrics: metrics, idleFinish: configuration.realtimeIdleFinish).routes
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

    /// Starts listening, prunes old jobs now and every hour, and starts the background poller when configured.
    public func start() throws {
        try server.start()
        let (store, logger, retention) = (store, logger, Int64(configuration.retentionDays) * 86_400_000)
        pruner.withLock {
            $0 = Task {
                while !Task.isCancelled {
                    do throws(JobStoreError) {
                        let removed = try await store.prune(before: JobKeeper.now() - retention)
                        if removed > 0 { logger.info("pruned old jobs", metadata: ["jobs": "\(removed)"]) }
                    } catch {
                        logger.error("job store pruning failed", metadata: ["error": "\(error.message)"])
                    }
                    try? await Task.sleep(for: .seconds(3600))
                }
            }
        }
        if configuration.backgroundPolling {
            let poller = poller
            polling.withLock { $0 = Task { await poller.run() } }
        }
        if configuration.webhooks.secret != nil {
            let deliverer = deliverer
            delivering.withLock { $0 = Task { await deliverer.run() } }
        }
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
        pruner.withLock { $0?.cancel() }
        polling.withLock { $0?.cancel() }
        delivering.withLock { $0?.cancel() }
        await client.shutdown()
        logger.info("funasr-gateway stopped")
    }

    /// The configured store: memory, or the SQLite file (its directory created when missing).
    private static func openStore(_ location: JobStoreLocation) throws(ConfigurationError) -> any JobStore {
        switch location {
        case .memory:
            return MemoryJobStore()
        case .file(let path):
            if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
                try? FileManager.default.createDirectory(atPath: String(path[..<slash]), withIntermediateDirectories: true)
            }
            do throws(JobStoreError) {
                return try SQLiteJobStore(path: path)
            } catch {
                throw ConfigurationError("cannot open the job store: \(error.message)")
            }
        }
    }
}
