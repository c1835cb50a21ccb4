import DashScope
import DashScopeSimulator
import Foundation
import Gateway
import Logging
import Synchronization
import Testing

/// Captures every log line a gateway writes, to assert on it and grep it for secrets.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func logger() -> Logger {
        Logger(label: "test-gateway") { _ in CapturingLogHandler(capture: self) }
    }
}

/// A swift-log handler writing into a `LogCapture`.
struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let line = "\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
        capture.lines.withLock { $0.append(line) }
    }
}

/// A real gateway on port 0 in front of a real simulator on port 0.
final class GatewayHarness: Sendable {
    static let apiKey = SimulatorConfiguration.testAPIKey
    static let token = "local-token-123456"

    let simulatorServer: SimulatorServer
    let gateway: Gateway
    let logs: LogCapture
    let seen = Mutex<[String]>([])

    var simulator: Simulator { simulatorServer.simulator }
    var base: String { "http://127.0.0.1:\(gateway.port)" }

    /// Starts both; `simulatorClock` drives the double's task lifecycle, `configure` adjusts the gateway configuration.
    init(
        simulatorConfiguration: SimulatorConfiguration = .fastForTests,
        simulatorClock: any SimulatorClock = SystemSimulatorClock(),
        configure: (inout GatewayConfiguration) -> Void = { _ in }
    ) throws {
        simulatorServer = SimulatorServer(
            simulator: Simulator(configuration: simulatorConfiguration, clock: simulatorClock))
        try simulatorServer.start()
        var config = GatewayConfiguration()
        config.apiKey = APIKey(Self.apiKey)
        config.baseURL = simulatorServer.baseURL
        config.listen = ListenAddress(host: "127.0.0.1", port: 0)
        config.timeouts = UpstreamTimeouts(request: .seconds(5), streamIdle: .seconds(5), connect: .seconds(2))
        config.drainTimeoutSeconds = 2
        configure(&config)
        logs = LogCapture()
        gateway = try Gateway(configuration: config, logger: logs.logger())
        try gateway.start()
    }

    /// Runs `body` with a started harness, then checks no secret leaked and stops both servers.
    static func with(
        simulatorConfiguration: SimulatorConfiguration = .fastForTests,
        simulatorClock: any SimulatorClock = SystemSimulatorClock(),
        configure: (inout GatewayConfiguration) -> Void = { _ in },
        _ body: (GatewayHarness) async throws -> Void
    ) async throws {
        let harness = try GatewayHarness(
            simulatorConfiguration: simulatorConfiguration, simulatorClock: simulatorClock, configure: configure)
        var failure: (any Error)?
        do { try await body(harness) } catch { failure = error }
        await harness.gateway.shutdown()
        await harness.simulatorServer.shutdown()
        harness.assertNoSecretLeaked()
        if let failure { throw failure }
    }

    /// Sends a request to the gateway and remembers what came back for the leak check.
    func request(
        _ method: String, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async throws -> ClientResponse {
        let response = try await send(method, base + path, body: body, headers: headers)
        let record = response.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n") + "\n" + response.text
        seen.withLock { $0.append(record) }
        return response
    }

    /// Every gateway log line and response seen so far, for secret greps.
    var everythingSeen: String {
        logs.text + "\n" + seen.withLock { $0.joined(separator: "\n") }
    }

    /// Neither the DashScope key nor the local token appears in logs or responses.
    func assertNoSecretLeaked() {
        let all = everythingSeen
        #expect(!all.contains(Self.apiKey), "the DashScope key leaked into logs or responses")
        #expect(!all.contains(Self.token), "a local token leaked into logs or responses")
    }
}
