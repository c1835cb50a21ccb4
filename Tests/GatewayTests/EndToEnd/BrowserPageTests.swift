import Foundation
import Testing

/// Starts child processes (chromedriver, which starts chromium), so it runs with the other process suites, one test at
/// a time (see BinaryProcessTests).
extension BinaryProcessTests {
    /// The page at `/` in a real headless Chromium (Debian's chromium and chromium-driver, which `make test` installs),
    /// driven over WebDriver's HTTP protocol: the fake microphone's audio reaches the simulator through the gateway's
    /// WebSocket and its sentences appear on the page; a file chosen in the page is uploaded, transcribed and offered as
    /// subtitles.
    @Suite struct BrowserPageTests {
        static let chromium = "/usr/bin/chromium"
        static let chromedriver = "/usr/bin/chromedriver"

        /// A WebDriver session against a chromedriver this test started.
        final class Browser: @unchecked Sendable {
            let driver: ChildProcess
            let base: String
            var session = ""

            init(fakeAudio: String) async throws {
                let port = Int.random(in: 30000..<40000)
                driver = try launch(ChildCommand(
                    executable: BrowserPageTests.chromedriver, arguments: ["--port=\(port)", "--allowed-ips=127.0.0.1"]))
                base = "http://127.0.0.1:\(port)"
                var ready = false
                var last = ""
                for _ in 0..<100 where !ready {
                    do {
                        let status = try await call("GET", "/status")
                        ready = status["ready"] as? Bool == true
                        last = "\(status)"
                    } catch {
                        last = "\(error)"
                    }
                    if !ready { try await Task.sleep(for: .milliseconds(100)) }
                }
                try #require(ready, "chromedriver did not start: \(last)")
                let options: [String: Any] = [
                    "binary": BrowserPageTests.chromium,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                        "--use-file-for-fake-audio-capture=\(fakeAudio)", "--autoplay-policy=no-user-gesture-required",
                    ],
                ]
                let created = try await call("POST", "/session", [
                    "capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]],
                ])
                session = try #require(created["sessionId"] as? String, "\(created)")
            }

            /// One WebDriver command; its `value`.
            @discardableResult
            func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
                let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }.map { Array($0) }
                let response = try await send(
                    method, base + path, body: payload, headers: payload == nil ? [] : [("Content-Type", "application/json")],
                    timeout: 60)
                let data = Data(response.body)
                let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                if let value = json?["value"] as? [String: Any] { return value }
                return ["value": json?["value"] ?? NSNull()]
            }

            func open(_ url: String) async throws { try await call("POST", "/session/\(session)/url", ["url": url]) }

            func element(_ css: String) async throws -> String {
                let found = try await call("POST", "/session/\(session)/element", ["using": "css selector", "value": css])
                return try #require(found.values.first as? String, "no element \(css): \(found)")
            }

            func click(_ css: String) async throws {
                try await call("POST", "/session/\(session)/element/\(try await element(css))/click", [:])
            }

            func type(_ text: String, into css: String) async throws {
                try await call("POST", "/session/\(session)/element/\(try await element(css))/value", ["text": text])
            }

            /// The text of the element with `id`.
            func text(_ id: String) async throws -> String {
                let result = try await call("POST", "/session/\(session)/execute/sync", [
                    "script": "return document.getElementById(arguments[0]).textContent", "args": [id],
                ])
                return result["value"] as? String ?? ""
            }

            /// Polls until `condition` holds on the element's text (at most `seconds`); returns the last text.
            func waitFor(_ id: String, seconds: Int = 30, _ condition: (String) -> Bool) async throws -> String {
                var text = ""
                for _ in 0..<(seconds * 5) {
                    text = try await self.text(id)
                    if condition(text) { return text }
                    try await Task.sleep(for: .milliseconds(200))
                }
                return text
            }

            /// Ends the browser session, then chromedriver: SIGKILL (to its process group, so a browser the session
            /// left behind goes too), because it ignores SIGTERM (every run left one behind, adopted by init), and
            /// reaped before the test ends.
            func close() async {
                if !session.isEmpty { _ = try? await call("DELETE", "/session/\(session)") }
                driver.kill()
                _ = try? await driver.waitForExit()
            }
        }

        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: chromedriver), "make test installs chromium-driver"))
        func theFakeMicrophonesSpeechAndADroppedFileAreTranscribedOnThePage() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("funasr-browser-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let wav = directory.appendingPathComponent("speech.wav")
            try Data(OpenAIForm.wav(seconds: 4)).write(to: wav)
            // With local tokens on: the page sends the one typed in its Token field — as a Bearer header on HTTP calls,
            // as the subprotocol funasr-token.<token> on the WebSocket (a browser cannot set headers there).
            try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
                let browser = try await Browser(fakeAudio: wav.path)
                do {
                    try await browser.open(h.base + "/")
                    try await browser.type(GatewayHarness.token, into: "#token")
                    // Live: the page streams the fake microphone; sentences come back as they are recognised.
                    try await browser.click("#start")
                    let listening = try await browser.waitFor("live-status") { $0 == "listening" }
                    #expect(listening == "listening")
                    let live = try await browser.waitFor("transcript") { $0.contains("\n") }
                    #expect(live.contains("\n"), "no final sentence on the page: '\(live)'")
                    try await browser.click("#stop")
                    let finished = try await browser.waitFor("live-status") { $0 == "finished" }
                    #expect(finished == "finished")
                    let log = h.simulator.liveAudioLog()
                    #expect(log.texts.contains { $0.contains("run-task") } && log.texts.contains { $0.contains("finish-task") })
                    #expect(log.audioBytes >= 3200 && log.audioBytes % 2 == 0, "16-bit PCM frames reached DashScope: \(log.audioBytes) bytes")

                    // A file: chosen in the page, uploaded with progress, transcribed, offered as subtitles.
                    try await browser.type(wav.path, into: "#file")
                    let status = try await browser.waitFor("file-status") { $0.contains("SUCCEEDED") || $0.contains("FAILED") }
                    #expect(status.contains("SUCCEEDED"), "\(status)")
                    let links = try await browser.waitFor("downloads") { $0.contains("VTT") }
                    #expect(links.contains("Download SRT") && links.contains("Download VTT"), "\(links)")
                    #expect(try await browser.text("result").isEmpty == false)
                    #expect(h.simulator.uploadedObjects().count == 1)
                } catch {
                    await browser.close()
                    throw error
                }
                await browser.close()
            }
        }
    }
}
