import DashScope
import DashScopeSimulator
import Foundation
import Gateway
import Logging
import Synchronization
import Testing

@Suite struct ObservabilityLogTests {
    /// A real gateway (JSON logs) in front of a real simulator; the lines it wrote.
    static func withJSONLoggingGateway(
        tokens: [String] = [], _ body: (String, Simulator) async throws -> Void
    ) async throws -> [String] {
        let lines = Mutex<[String]>([])
        let simulator = SimulatorServer(simulator: Simulator(configuration: .fastForTests))
        try simulator.start()
        var config = GatewayConfiguration()
        config.apiKey = APIKey(GatewayHarness.apiKey)
        config.baseURL = simulator.baseURL
        config.listen = ListenAddress(host: "127.0.0.1", port: 0)
        config.tokens = tokens
        config.drainTimeoutSeconds = 2
        let logger = Logger(label: "json-test") { label in
            JSONLogHandler(label: label) { line, _ in lines.withLock { $0.append(line) } }
        }
        let gateway = try Gateway(configuration: config, logger: logger)
        try gateway.start()
        var failure: (any Error)?
        do { try await body("http://127.0.0.1:\(gateway.port)", simulator.simulator) } catch { failure = error }
        await gateway.shutdown()
        await simulator.shutdown()
        if let failure { throw failure }
        return lines.withLock { $0 }
    }

    static func object(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }

    @Test func everyLineIsOneJSONObjectAndTheAccessLineHasTheFields() async throws {
        let lines = try await Self.withJSONLoggingGateway(tokens: [GatewayHarness.token]) { base, _ in
            let response = try await send(
                "POST", base + "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#),
                headers: [("Authorization", "Bearer \(GatewayHarness.token)"), ("X-Request-Id", "json-log-1")])
            #expect(response.status == 202)
        }
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1, "not one line: \(line)")
            let object = try #require(Self.object(line), "not JSON: \(line)")
            for field in ["timestamp", "level", "label", "message"] {
                #expect(object[field] is String, "\(field) missing in \(line)")
            }
        }
        let access = try #require(lines.compactMap(Self.object).first { $0["request_id"] as? String == "json-log-1" })
        #expect(access["message"] as? String == "request")
        #expect(access["level"] as? String == "info")
        #expect(access["label"] as? String == "json-test")
        #expect(access["route"] as? String == "transcriptions.submit")
        #expect(access["status"] as? String == "202")
        #expect(access["method"] as? String == "POST")
        #expect(access["path"] as? String == "/v1/transcriptions")
        for field in ["bytes", "duration_ms", "upstream_ms", "dashscope_request_id"] {
            #expect((access[field] as? String)?.isEmpty == false, "\(field) missing")
        }
        let timestamp = try #require(access["timestamp"] as? String)
        #expect(timestamp.hasSuffix("Z") && timestamp.count == "2025-09-25T01:37:36.380Z".count, "\(timestamp)")
        let all = lines.joined()
        #expect(!all.contains(GatewayHarness.apiKey), "the DashScope key leaked into the JSON logs")
        #expect(!all.contains(GatewayHarness.token), "a local token leaked into the JSON logs")
    }

    @Test func jsonHandlerEscapesAndKeepsNestedMetadata() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "unit") { label in
            JSONLogHandler(label: label) { line, _ in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "component"] = "tests"
        logger.info("quote \" backslash \\ newline \n tab \t bell \u{07} done", metadata: [
            "message": "collides", "nested": ["a": "1", "list": ["x", "y"]], "count": .stringConvertible(3),
        ])
        logger.debug("below the level")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(Self.object(line))
        #expect(object["message"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{07} done")
        #expect(object["metadata.message"] as? String == "collides")
        #expect(object["component"] as? String == "tests")
        #expect(object["count"] as? String == "3")
        let nested = try #require(object["nested"] as? [String: Any])
        #expect(nested["a"] as? String == "1")
        #expect(nested["list"] as? [String] == ["x", "y"])
    }

    @Test func configurationReportRedactsTheKeyAndCountsTokens() {
        var config = GatewayConfiguration()
        let secret = "sk-report-secret-0123456789"
        config.apiKey = APIKey(secret)
        config.tokens = [GatewayHarness.token, "second-local-token"]
        config.listen = ListenAddress(host: "0.0.0.0", port: 8080)
        config.workspaceID = "ws-1"
        let text = ConfigurationReport(configuration: config, keySource: "file /run/secrets/key (DASHSCOPE_API_KEY_FILE)").text
        #expect(!text.contains(secret))
        #expect(!text.contains(GatewayHarness.token))
        #expect(!text.contains("second-local-token"))
        #expect(text.contains("<redacted> (from file /run/secrets/key (DASHSCOPE_API_KEY_FILE))"))
        #expect(text.contains("2 configured"))
        #expect(text.contains("https://ws-1.cn-beijing.maas.aliyuncs.com"))
        #expect(text.contains("0.0.0.0:8080"))
        let unset = ConfigurationReport(configuration: GatewayConfiguration(), keySource: nil).text
        #expect(unset.contains("not set"))
        #expect(unset.contains("0 (local authentication off)"))
        var withUserInfo = GatewayConfiguration()
        withUserInfo.baseURL = "https://user:hunter2-password@example.com"
        #expect(!ConfigurationReport(configuration: withUserInfo, keySource: nil).text.contains("hunter2"))
    }
}
