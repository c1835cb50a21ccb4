import Foundation
import Testing

/// Runs the built `funasr-gateway` binary to completion; returns its exit status and everything it printed (standard
/// output and error in one pipe). A run that has not ended within 60 s is killed and reported as exit status -1.
func runGatewayCommand(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    try await runGatewayCommandBounded(arguments, environment: environment, seconds: 60)
}

extension BinaryProcessTests {
    @Suite struct ObservabilityCommandTests {
        static let secret = "sk-config-command-secret-4242"
        static let tokens = ["first-local-token-1", "second-local-token-2"]

        @Test func configPrintsTheEffectiveConfigurationWithSecretsRedacted() async throws {
            let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("funasr-key-\(UUID().uuidString)")
            try (Self.secret + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: keyFile) }
            let (status, output) = try await runGatewayCommand(["config"], environment: [
                "DASHSCOPE_API_KEY_FILE": keyFile.path, "FUNASR_GATEWAY_TOKENS": Self.tokens.joined(separator: ","),
                "FUNASR_GATEWAY_LISTEN": "0.0.0.0:8080", "DASHSCOPE_REGION": "ap-southeast-1",
            ])
            #expect(status == 0, "\(output)")
            #expect(output.contains("<redacted> (from file \(keyFile.path) (DASHSCOPE_API_KEY_FILE))"), "\(output)")
            #expect(output.contains("2 configured"))
            #expect(output.contains("0.0.0.0:8080"))
            #expect(output.contains("https://dashscope-intl.aliyuncs.com"))
            #expect(output.contains("max_waiters") && output.contains("body_memory_limit"), "the hardening limits are reported")
            #expect(output.contains("ok"))
            #expect(!output.contains(Self.secret), "the key leaked into config output")
            for token in Self.tokens { #expect(!output.contains(token), "a token leaked into config output") }
        }

        @Test func configExitsNonZeroAndSaysWhyWhenInvalid() async throws {
            let (status, output) = try await runGatewayCommand(["config", "--listen", "0.0.0.0:8080"], environment: [
                "DASHSCOPE_API_KEY": Self.secret,
            ])
            #expect(status != 0)
            #expect(output.contains("<redacted> (from DASHSCOPE_API_KEY)"), "\(output)")
            #expect(output.contains("refusing to listen"), "\(output)")
            #expect(!output.contains(Self.secret))
        }

        @Test func configUnderSimulateNeedsNoKey() async throws {
            let (status, output) = try await runGatewayCommand(["config", "--simulate"])
            #expect(status == 0, "\(output)")
            #expect(output.contains("simulated"))
        }

        @Test func versionHelpAndHealthcheckCommands() async throws {
            let version = try await runGatewayCommand(["--version"])
            #expect(version.status == 0)
            #expect(version.output.split(separator: ".").count >= 3, "\(version.output)")
            let help = try await runGatewayCommand(["--help"])
            #expect(help.status == 0)
            for word in ["serve", "simulate", "config", "healthcheck"] {
                #expect(help.output.contains(word), "--help does not mention \(word)")
            }
            let serveHelp = try await runGatewayCommand(["serve", "--help"])
            for variable in ["DASHSCOPE_API_KEY", "DASHSCOPE_API_KEY_FILE", "FUNASR_GATEWAY_LISTEN", "FUNASR_GATEWAY_TOKENS"] {
                #expect(serveHelp.output.contains(variable), "serve --help does not document \(variable)")
            }
            let unhealthy = try await runGatewayCommand(["healthcheck", "--url", "http://127.0.0.1:1/healthz", "--timeout", "2"])
            #expect(unhealthy.status == 1)
            #expect(unhealthy.output.contains("unhealthy"))
        }
    }
}
