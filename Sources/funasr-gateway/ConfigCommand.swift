import ArgumentParser
import DashScope
import FoundationEssentials
import Gateway

/// `funasr-gateway config`: prints the effective configuration (flags, then environment, then defaults), redacted.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration with secrets redacted, then check it (exit 1 when invalid).")

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var config: GatewayConfiguration
        do {
            config = try options.configuration(environment: environment)
        } catch {
            print("check  invalid: \(error)")
            throw ExitCode(1)
        }
        var keySource = options.keySource(environment: environment)
        if options.simulate {
            config.apiKey = APIKey("sk-simulated-placeholder")
            config.baseURL = "http://127.0.0.1:9"
            config.simulated = true
            keySource = "--simulate: a generated key for the built-in simulator"
        }
        var report = ConfigurationReport(configuration: config, keySource: keySource)
        if options.simulate {
            report.entries = report.entries.map { entry in
                ["base_url", "upstream"].contains(entry.name)
                    ? (entry.name, "built-in simulator on a free loopback port (chosen at start)") : entry
            }
        }
        report.entries.append(("log_format", options.logFormat))
        do {
            try config.validate()
            report.entries.append(("check", "ok"))
            print(report.text, terminator: "")
        } catch {
            report.entries.append(("check", report.redacted("invalid: \(error)")))
            print(report.text, terminator: "")
            throw ExitCode(1)
        }
    }
}

extension GatewayOptions {
    /// Where the DashScope key comes from, in the precedence `configuration(environment:)` applies; nil when none.
    func keySource(environment: [String: String]) -> String? {
        if let key = apiKey ?? environment["DASHSCOPE_API_KEY"], !key.isEmpty {
            return apiKey != nil ? "--api-key" : "DASHSCOPE_API_KEY"
        }
        if let path = apiKeyFile ?? environment["DASHSCOPE_API_KEY_FILE"], !path.isEmpty {
            return apiKeyFile != nil ? "file \(path) (--api-key-file)" : "file \(path) (DASHSCOPE_API_KEY_FILE)"
        }
        return nil
    }
}
