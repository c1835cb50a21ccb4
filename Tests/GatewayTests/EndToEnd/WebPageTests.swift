import Foundation
import Testing

/// Starts node as a child process, so it runs with the other process suites, one test at a time (see
/// BinaryProcessTests).
extension BinaryProcessTests {
    /// The page at `/` and its two scripts, served by the real server: headers, parseable JavaScript, and the audio
    /// worklet's resampling run in Node (the same engine family as the browsers that load it).
    @Suite struct WebPageTests {
        /// Node, when this machine has it (Debian's nodejs; the test image has it).
        static let node = ["/usr/bin/node", "/usr/local/bin/node"].first { FileManager.default.isExecutableFile(atPath: $0) }

        /// Runs `node` with `arguments` and `input` on standard input; returns its status and output.
        static func runNode(_ arguments: [String], input: String = "") async throws -> (Int32, String) {
            let node = try #require(Self.node, "node is needed to check the page's scripts (apt-get install nodejs)")
            let process = try launch(ChildCommand(
                executable: node, arguments: arguments, standardInput: .pipe, standardOutput: .pipe, standardError: .standardOutput))
            let output = process.standardOutput!.collectText()
            let stdin = process.standardInput!
            try await offPool {
                try stdin.write(Array(input.utf8))
                stdin.close()
            }
            let ending = try await process.waitForExit(timeout: .seconds(60))
            try await output.waitForEnd()
            return (ending.status, output.value)
        }

        @Test func thePageAndItsScriptsAreServedWithoutATokenUnderAStrictPolicy() async throws {
            try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
                let page = try await h.request("GET", "/")
                #expect(page.status == 200)
                #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
                let policy = try #require(page.header("Content-Security-Policy"))
                #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-eval"))
                #expect(page.text.contains("<script src=\"/app.js\"></script>"))
                for script in ["/app.js", "/pcm-worklet.js"] {
                    let response = try await h.request("GET", script)
                    #expect(response.status == 200)
                    #expect(response.header("Content-Type")?.hasPrefix("text/javascript") == true)
                    #expect(response.header("X-Content-Type-Options") == "nosniff")
                }
                // The page's API calls still need the token; the subprotocol form counts only on a WebSocket upgrade.
                #expect(try await h.request("GET", "/v1/transcriptions").status == 401)
                let sideways = try await h.request(
                    "GET", "/v1/transcriptions", headers: [("Sec-WebSocket-Protocol", "funasr-token.\(GatewayHarness.token)")])
                #expect(sideways.status == 401)
            }
        }

        @Test func theScriptsParseAndSpeakDashScopesProtocol() async throws {
            try await GatewayHarness.with { h in
                let app = try await h.request("GET", "/app.js").text
                for name in ["/app.js", "/pcm-worklet.js"] {
                    let text = try await h.request("GET", name).text
                    let (status, output) = try await Self.runNode(["--check", "--input-type=commonjs", "-"], input: text)
                    #expect(status == 0, "\(name): \(output)")
                }
                for needle in ["'run-task'", "'finish-task'", "task_group: 'audio'", "'fun-asr-realtime'", "input: {}",
                               "/api-ws/v1/inference", "sample_rate: 16000", "/v1/transcriptions"] {
                    #expect(app.contains(needle), "app.js lacks \(needle)")
                }
                #expect(!app.contains("innerHTML"), "answers are shown through textContent only")
            }
        }

        @Test func theWorkletTurnsA48kHzToneInto100msFramesOf16kHzPCM() async throws {
            try await GatewayHarness.with { h in
                let worklet = try await h.request("GET", "/pcm-worklet.js").text
                // One second of a 440 Hz tone at 48 kHz in the 128-sample blocks browsers use.
                let harness = """
                    const frames = [];
                    globalThis.sampleRate = 48000;
                    class AudioWorkletProcessor { constructor() { this.port = { postMessage: (buffer) => frames.push(buffer) }; } }
                    let Processor;
                    globalThis.registerProcessor = (name, type) => { Processor = type; };
                    globalThis.AudioWorkletProcessor = AudioWorkletProcessor;
                    \(worklet)
                    const processor = new Processor();
                    for (let block = 0; block < 375; block++) {
                      const samples = new Float32Array(128);
                      for (let i = 0; i < 128; i++) samples[i] = 0.5 * Math.sin(2 * Math.PI * 440 * (block * 128 + i) / 48000);
                      processor.process([[samples]]);
                    }
                    const pcm = frames.map((buffer) => Array.from(new Int16Array(buffer))).flat();
                    let crossings = 0;
                    for (let i = 1; i < pcm.length; i++) if ((pcm[i - 1] < 0) !== (pcm[i] < 0)) crossings++;
                    const peak = Math.max(...pcm.map(Math.abs));
                    console.log(JSON.stringify({ frames: frames.length, bytes: frames.map((b) => b.byteLength), crossings, peak }));
                    """
                let (status, output) = try await Self.runNode(["--input-type=commonjs", "-"], input: harness)
                #expect(status == 0, "\(output)")
                let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
                #expect(result["frames"] as? Int == 10, "one second is ten 100 ms frames: \(output)")
                #expect((result["bytes"] as? [Int])?.allSatisfy { $0 == 3200 } == true)
                // 440 Hz crosses zero 880 times a second; the peak is half of full scale.
                let crossings = try #require(result["crossings"] as? Int)
                #expect((870...890).contains(crossings), "\(output)")
                let peak = try #require(result["peak"] as? Int)
                #expect((16000...16500).contains(peak), "\(output)")
            }
        }
    }
}
