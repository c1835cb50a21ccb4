import ArgumentParser
import DashScope
import DashScopeSimulator
import FoundationEssentials
import Gateway
import Logging

/// The `funasr-gateway` command: `serve` (default) and `simulate`.
@main
struct FunASRGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funasr-gateway",
        abstract: "A local HTTP gateway in front of Alibaba Cloud DashScope Fun-ASR speech recognition.",
        discussion: """
            Without a subcommand the gateway runs (`serve`) with these options, each with its environment \
            variable where it has one (`funasr-gateway serve --help` shows the same list):

            """ + ServeHelp.options,
        version: GatewayVersion.current,
        subcommands: [Serve.self, Simulate.self, Transcribe.self, ConfigCommand.self, Healthcheck.self],
        defaultSubcommand: Serve.self)
}

/// Runs the gateway until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway (the default command).")

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let logger = makeLogger(label: "funasr-gateway", format: options.logFormat)
        var config: GatewayConfiguration
        do {
            config = try options.configuration(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(error)")
        }
        var simulatorServer: SimulatorServer?
        if options.simulate {
            let simulator = SimulatorServer(simulator: Simulator(configuration: .interactive))
            try simulator.start()
            simulatorServer = simulator
            config.apiKey = APIKey("sk-simulated-\(UUID().uuidString.lowercased())")
            config.baseURL = simulator.baseURL
            config.simulated = true
            logger.warning("SIMULATE MODE: answers come from the built-in DashScope simulator, not from DashScope; results are synthetic", metadata: ["simulator": "\(simulator.baseURL)"])
        }
        let gateway: Gateway
        do {
            gateway = try Gateway(configuration: config, logger: logger)
        } catch {
            throw ValidationError("\(error)")
        }
        let signals = SignalWaiter { repeated in
            logger.error("received \(repeated) again while shutting down; exiting now without finishing the drain")
        }
        let environment = ProcessInfo.processInfo.environment
        // Only a key read from a file can be reloaded (a flag or variable wins over the file, as at start-up).
        let keyGivenDirectly = options.simulate || options.apiKey != nil || environment["DASHSCOPE_API_KEY"]?.isEmpty == false
        let keyFile = keyGivenDirectly ? nil : options.apiKeyFile ?? environment["DASHSCOPE_API_KEY_FILE"]
        let reloader = KeyReloader(gateway: gateway, logger: logger, keyFile: keyFile) { [options] in
            try options.loadAPIKey(environment: environment)
        }
        if let openFiles = OpenFileLimit.raise(), openFiles < UInt64(config.connectionLimit) * 2 {
            logger.warning("the open-file limit is below twice --connection-limit; connections may fail before the limit",
                           metadata: ["open_files": "\(openFiles)", "connection_limit": "\(config.connectionLimit)"])
        }
        try gateway.start()
        let signal = await signals.first()
        logger.info("received \(signal); shutting down (send it again to exit at once)")
        await gateway.shutdown()
        await simulatorServer?.shutdown()
        withExtendedLifetime((signals, reloader)) {}
    }
}

/// Runs the DashScope simulator alone.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run only the built-in DashScope simulator (a test double of DashScope).")

    @Option(help: "Listen address host:port (default: 127.0.0.1:9090).")
    var listen: String = "127.0.0.1:9090"

    @Option(name: .customLong("api-key"), help: "The only API key the simulator accepts (default: any non-empty key).")
    var apiKey: String?

    @Option(name: .customLong("event-interval-ms"), help: "Milliseconds between simulated SSE events (default: 150).")
    var eventIntervalMilliseconds: Int = 150

    @Option(name: .customLong("pending-ms"), help: "Milliseconds a task stays PENDING (default: 1000).")
    var pendingMilliseconds: Int = 1000

    @Option(name: .customLong("running-ms"), help: "Milliseconds a task stays RUNNING (default: 2000).")
    var runningMilliseconds: Int = 2000

    func run() async throws {
        let logger = makeLogger(label: "funasr-simulator", format: "text")
        let address = try ListenAddress(parsing: listen)
        var configuration = SimulatorConfiguration.interactive
        configuration.acceptedAPIKeys = apiKey.map { [$0] } ?? []
        configuration.eventInterval = .milliseconds(eventIntervalMilliseconds)
        configuration.pendingDuration = .milliseconds(pendingMilliseconds)
        configuration.runningDuration = .milliseconds(runningMilliseconds)
        let server = SimulatorServer(
            simulator: Simulator(configuration: configuration), host: address.host, port: address.port,
            threads: max(2, ProcessInfo.processInfo.activeProcessorCount))
        try server.start()
        logger.warning("DashScope SIMULATOR listening (a test double, not DashScope)", metadata: ["address": "\(server.baseURL)"])
        _ = await SignalWaiter.waitForTermination()
        await server.shutdown()
    }
}

/// The version printed by `--version`.
enum GatewayVersion {
    static let current = "0.1.0"
}
