import Foundation
import Testing

extension BinaryProcessTests {
    /// Secrets at start-up, through the real binary: malformed keys are refused without being echoed, local tokens can
    /// come from a file, a base URL's user info is never printed, and both help screens list every serve option.
    @Suite struct StartupSecretsTests {
        /// Writes `text` to a fresh temporary file and returns its path.
        static func temporaryFile(_ text: String) throws -> String {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("funasr-secret-\(UUID().uuidString)")
            try Data(text.utf8).write(to: url)
            return url.path
        }

        @Test func aKeyFileWithASecondLineIsRefusedWithoutEchoingIt() async throws {
            let path = try Self.temporaryFile("sk-abc\r\nX-Evil: 1")
            defer { try? FileManager.default.removeItem(atPath: path) }
            for arguments in [["--api-key-file", path, "--listen", "127.0.0.1:0"], ["config", "--api-key-file", path]] {
                let (status, output) = try await runGatewayCommandBounded(arguments)
                #expect(status != 0, "\(output)")
                #expect(output.contains("more than one line"), "\(output)")
                #expect(output.contains(path), "\(output)")
                #expect(!output.contains("sk-abc"), "the key leaked: \(output)")
                #expect(!output.contains("X-Evil"), "the second line leaked: \(output)")
            }
        }

        @Test(arguments: [("sk-abc\u{1}def-123", "control character"), ("sk-abc def-123", "space"), ("sk-abcé-123", "non-ASCII")])
        func aKeyThatIsNotVisibleASCIIIsRefused(key: String, reason: String) async throws {
            let (status, output) = try await runGatewayCommandBounded(["--listen", "127.0.0.1:0"], environment: ["DASHSCOPE_API_KEY": key])
            #expect(status != 0, "\(output)")
            #expect(output.contains("DASHSCOPE_API_KEY") && output.contains(reason), "\(output)")
            #expect(!output.contains("sk-abc"), "the key leaked: \(output)")
        }

        @Test func aKeyFileMayEndWithOneLineBreak() async throws {
            let path = try Self.temporaryFile("sk-one-line-key-1234\r\n")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (status, output) = try await runGatewayCommandBounded(["config", "--api-key-file", path])
            #expect(status == 0, "\(output)")
            #expect(!output.contains("sk-one-line-key-1234"))
        }

        @Test func localTokensComeFromAFileAndGateRequests() async throws {
            let tokens = ["first-file-token-1", "second-file-token-2", "third-file-token-3"]
            let path = try Self.temporaryFile("\n  \(tokens[0])  \n\n\(tokens[1]), \(tokens[2])\n")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let config = try await runGatewayCommandBounded(["config", "--simulate", "--tokens-file", path])
            #expect(config.status == 0, "\(config.output)")
            #expect(config.output.contains("3 configured"), "\(config.output)")
            for token in tokens { #expect(!config.output.contains(token)) }

            let gateway = try GatewayProcess(
                ["--simulate", "--listen", "127.0.0.1:0"], environment: ["FUNASR_GATEWAY_TOKENS_FILE": path])
            let base = "http://127.0.0.1:\(try await gateway.port())"
            #expect(try await send("GET", base + "/v1/transcriptions").status == 401)
            let allowed = try await send("GET", base + "/v1/transcriptions", headers: [("Authorization", "Bearer \(tokens[2])")])
            #expect(allowed.status == 200)
            gateway.process.terminate()
            #expect(try await gateway.exitStatus() == 0)
            for token in tokens { #expect(!gateway.stderr.value.contains(token)) }
        }

        @Test func aTokensFileIsValidatedLikeTheVariableAndAnUnreadableOneIsNamed() async throws {
            let path = try Self.temporaryFile("good-local-token-1\nshort\n")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let invalid = try await runGatewayCommandBounded(["--simulate", "--listen", "127.0.0.1:0", "--tokens-file", path])
            #expect(invalid.status != 0)
            #expect(invalid.output.contains("at least 8 characters"), "\(invalid.output)")
            #expect(!invalid.output.contains("good-local-token-1") && !invalid.output.contains("short\n"))

            let missing = "/nonexistent/funasr-tokens-\(UUID().uuidString)"
            let unreadable = try await runGatewayCommandBounded(
                ["--simulate", "--listen", "127.0.0.1:0"], environment: ["FUNASR_GATEWAY_TOKENS_FILE": missing])
            #expect(unreadable.status != 0)
            #expect(unreadable.output.contains("cannot read the local tokens file \(missing)"), "\(unreadable.output)")
        }

        @Test func aBaseURLsUserInfoIsNeverPrinted() async throws {
            let url = "https://gw-user:pa55-w0rd-xyz@example.com"
            for arguments in [["--listen", "127.0.0.1:0", "--base-url", url], ["config", "--base-url", url]] {
                let (status, output) = try await runGatewayCommandBounded(arguments, environment: ["DASHSCOPE_API_KEY": "sk-base-url-test-1"])
                #expect(status != 0, "\(output)")
                #expect(output.contains("https://<redacted>@example.com"), "\(output)")
                #expect(!output.contains("pa55-w0rd-xyz") && !output.contains("gw-user"), "user info leaked: \(output)")
            }
            let (_, output) = try await runGatewayCommandBounded(
                ["--listen", "127.0.0.1:0"], environment: ["DASHSCOPE_API_KEY": "sk-base-url-test-1", "DASHSCOPE_BASE_URL": "gw-user:pa55-w0rd-xyz@example.com"])
            #expect(!output.contains("pa55-w0rd-xyz"), "user info leaked: \(output)")
        }

        @Test func bothHelpScreensListTheConnectionAndIdleTimeouts() async throws {
            for arguments in [["--help"], ["serve", "--help"]] {
                let (status, output) = try await runGatewayCommandBounded(arguments)
                #expect(status == 0)
                for flag in [
                    "--idle-timeout", "--connection-limit", "--drain-timeout", "--shutdown-delay", "--tokens-file",
                    "FUNASR_GATEWAY_TOKENS_FILE", "--header-timeout", "--body-timeout", "--body-min-rate",
                ] {
                    #expect(output.contains(flag), "\(arguments) does not show \(flag)")
                }
            }
        }
    }
}

/// Runs the binary with standard output and error in one pipe; a run that has not ended within `seconds` (a gateway
/// that started serving when it should have refused) is killed and reported as exit status -1.
func runGatewayCommandBounded(
    _ arguments: [String], environment: [String: String] = [:], seconds: Int = 20
) async throws -> (status: Int32, output: String) {
    var command = gatewayCommand(arguments, environment: environment)
    command.standardOutput = .pipe
    command.standardError = .standardOutput
    let process = try launch(command)
    let output = process.standardOutput!.collectText()
    let ending = try? await process.waitForExit(timeout: .seconds(seconds))
    if ending == nil {
        process.kill()
        try await process.waitForExit()
    }
    try await output.waitForEnd()
    return (ending?.status ?? -1, output.value)
}
