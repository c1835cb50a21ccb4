import DashScopeSimulator
import Foundation
import Testing

extension BinaryProcessTests {
    /// `funasr-gateway transcribe`: the real binary against a real gateway (in this process) and the simulator.
    @Suite struct TranscribeCommandTests {
        /// A scratch directory with two audio files (the second under another folder, with the same name).
        static func audioFiles() throws -> (directory: URL, first: URL, second: URL, bytes: [[UInt8]]) {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("funasr-transcribe-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("b"), withIntermediateDirectories: true)
            let first = directory.appendingPathComponent("talk.wav")
            let second = directory.appendingPathComponent("b/talk.wav")
            let bytes = [(0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }, (0..<90_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }]
            try Data(bytes[0]).write(to: first)
            try Data(bytes[1]).write(to: second)
            return (directory, first, second, bytes)
        }

        @Test func filesAreUploadedWholeAndEachTranscriptIsWrittenUnderItsOwnName() async throws {
            let files = try Self.audioFiles()
            defer { try? FileManager.default.removeItem(at: files.directory) }
            let out = files.directory.appendingPathComponent("out")
            try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
                let (status, output) = try await runGatewayCommand(
                    ["transcribe", files.first.path, files.second.path, "--format", "srt", "--out", out.path],
                    environment: ["FUNASR_GATEWAY_URL": h.base, "FUNASR_GATEWAY_TOKEN": GatewayHarness.token])
                #expect(status == 0, "\(output)")
                #expect(!output.contains(GatewayHarness.token) && !output.contains(GatewayHarness.apiKey))
                // Every byte of both files reached the temporary storage, and both jobs were submitted.
                let stored = Set(h.simulator.uploadedObjects().map(\.fingerprint))
                #expect(stored == Set(files.bytes.map(FileUploadTests.fnv1a)))
                let submits = h.simulator.receivedRequests().filter { $0.path.hasSuffix("/asr/transcription") }
                #expect(submits.count == 2)
                for name in ["talk.srt", "talk-2.srt"] {
                    let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
                    #expect(text.hasPrefix("1\n") && text.contains(" --> "), "\(name): \(text)")
                }
            }
        }

        @Test func withoutAnOutputDirectoryTheTranscriptGoesToStandardOutput() async throws {
            let files = try Self.audioFiles()
            defer { try? FileManager.default.removeItem(at: files.directory) }
            try await GatewayHarness.with { h in
                let (status, output) = try await runGatewayCommand(
                    ["transcribe", "--gateway", h.base, "--progress", "never", "--language-hints", "zh,en", files.first.path])
                #expect(status == 0, "\(output)")
                let submit = try #require(h.simulator.receivedRequests().last { $0.path.hasSuffix("/asr/transcription") })
                let parameters = try #require(submit.bodyObject?["parameters"] as? [String: Any])
                #expect(parameters["language_hints"] as? [String] == ["zh", "en"])
                // The text transcript: the simulator's sentences, one per line, after the step lines.
                let lines = output.split(separator: "\n")
                #expect(lines.contains { $0.hasPrefix("↑ \(files.first.path)") })
                #expect(lines.count >= 3, "\(output)")
            }
        }

        @Test func aMissingFileAndARefusedTokenFailWithAClearLineAndExitStatus1() async throws {
            let files = try Self.audioFiles()
            defer { try? FileManager.default.removeItem(at: files.directory) }
            try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
                let missing = files.directory.appendingPathComponent("missing.wav").path
                let (status, output) = try await runGatewayCommand(
                    ["transcribe", "--gateway", h.base, "--token", "wrong-token-999999", missing, files.first.path])
                #expect(status == 1)
                #expect(output.contains("✗ \(missing): cannot read the file"), "\(output)")
                #expect(output.contains("✗ \(files.first.path): submitting failed: HTTP 401"), "\(output)")
                #expect(!output.contains("wrong-token-999999"))
                #expect(h.simulator.uploadedObjects().isEmpty)
            }
            let (status, output) = try await runGatewayCommand(["transcribe", "--gateway", "http://127.0.0.1:1", files.first.path])
            #expect(status == 1)
            #expect(output.contains("cannot reach the gateway at http://127.0.0.1:1"), "\(output)")
        }
    }
}
