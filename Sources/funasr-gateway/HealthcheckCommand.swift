import ArgumentParser
import FoundationEssentials
import Gateway

/// `funasr-gateway healthcheck`: probes a running gateway's health route; exit 0 healthy, 1 not (Docker HEALTHCHECK).
struct Healthcheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe a running gateway's /healthz; exit 0 when it answers 2xx, else 1 (for container HEALTHCHECKs).")

    @Option(help: "URL to probe (default: http://127.0.0.1:<port of FUNASR_GATEWAY_LISTEN, else 8080>/healthz) [env: FUNASR_GATEWAY_LISTEN].")
    var url: String?

    @Option(help: "Seconds to wait for the answer (default: 3).")
    var timeout: Int = 3

    func run() async throws {
        let target = url ?? HealthCheck.defaultURL(listen: ProcessInfo.processInfo.environment["FUNASR_GATEWAY_LISTEN"])
        let (healthy, summary) = await HealthCheck.probe(url: target, timeout: .seconds(max(1, timeout)))
        print(summary)
        if !healthy { throw ExitCode(1) }
    }
}
