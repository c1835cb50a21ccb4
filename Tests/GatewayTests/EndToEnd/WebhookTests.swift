import Crypto
import Foundation
import Gateway
import MicroHTTPServer
import Synchronization
import Testing

/// A webhook receiver on loopback: records every request and answers from a script (then 200).
final class WebhookReceiver: HTTPHandler {
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: [UInt8]
    }

    let received = Mutex<[Received]>([])
    let script: Mutex<[HTTPResponse]>

    init(script: [HTTPResponse] = []) {
        self.script = Mutex(script)
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int { 4 << 20 }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse { HTTPResponse(status: 413) }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        var headers: [String: String] = [:]
        for name in ["Content-Type", "X-FunASR-Webhook-Id", "X-FunASR-Webhook-Timestamp", "X-FunASR-Webhook-Signature", "Host"] {
            headers[name] = request.head.headers[name]
        }
        received.withLock { $0.append(Received(path: request.head.path, headers: headers, body: Array(request.body))) }
        return script.withLock { $0.isEmpty ? HTTPResponse(status: 200) : $0.removeFirst() }
    }

    /// Runs `body` with this receiver listening on a free loopback port, then stops it.
    func serving(_ body: (Int) async throws -> Void) async throws {
        let server = MicroHTTPServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), handler: self)
        try server.start()
        var failure: (any Error)?
        do { try await body(server.port) } catch { failure = error }
        await server.shutdown(drainTimeout: .seconds(1))
        if let failure { throw failure }
    }

    var count: Int { received.withLock { $0.count } }
}

/// Webhooks through the real server: delivered signed when the job ends, retried after a 500, refused for private
/// addresses, redirects not followed, and the secret never shown.
@Suite struct WebhookTests {
    static let secret = "whsec-test-0123456789abcdef"

    static func configure(allow: [String] = ["127.0.0.1"], store: JobStoreLocation = .memory) -> (inout GatewayConfiguration) -> Void {
        {
            $0.store = store
            $0.webhooks.secret = secret
            $0.webhooks.allow = allow
            $0.webhooks.retryBase = .milliseconds(100)
            $0.webhooks.pollInterval = .milliseconds(20)
            $0.webhooks.attemptTimeout = .seconds(5)
        }
    }

    static func submit(_ h: GatewayHarness, callback: String) async throws -> ClientResponse {
        try await h.request(
            "POST", "/v1/transcriptions",
            body: jsonBody(#"{"file_url": "https://example.com/a.wav", "callback_url": "\#(callback)"}"#),
            headers: [("Content-Type", "application/json")])
    }

    /// Submits, waits for the end (which makes the webhook due) and returns the task id.
    static func submitAndFinish(_ h: GatewayHarness, callback: String) async throws -> String {
        let submitted = try await submit(h, callback: callback)
        #expect(submitted.status == 202, "\(submitted.text)")
        let id = try #require(submitted.json["task_id"] as? String)
        let done = try await h.request("GET", "/v1/transcriptions/\(id)?wait=20")
        #expect(done.json["status"] as? String == "SUCCEEDED")
        return id
    }

    /// The job's webhook object once `done` holds (bounded polling, 20 s).
    static func webhook(
        _ h: GatewayHarness, _ id: String, until done: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(20))
        while true {
            let view = try await h.request("GET", "/v1/transcriptions/\(id)")
            let webhook = view.json["webhook"] as? [String: Any] ?? [:]
            if done(webhook) || clock.now >= deadline { return webhook }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func attempts(_ webhook: [String: Any]) -> [[String: Any]] { webhook["attempts"] as? [[String: Any]] ?? [] }

    static func hmacHex(_ message: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    @Test(arguments: ["memory", "sqlite"])
    func aWebhookIsDeliveredSignedWhenTheJobEnds(_ kind: String) async throws {
        let receiver = WebhookReceiver()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString).sqlite").path
        try await receiver.serving { port in
            try await GatewayHarness.with(configure: Self.configure(store: kind == "memory" ? .memory : .file(path))) { h in
                let id = try await Self.submitAndFinish(h, callback: "http://127.0.0.1:\(port)/hooks/asr")
                let webhook = try await Self.webhook(h, id) { $0["state"] as? String == "delivered" }
                #expect(webhook["state"] as? String == "delivered")
                #expect(webhook["url"] as? String == "http://127.0.0.1:\(port)/hooks/asr")
                let attempts = Self.attempts(webhook)
                #expect(attempts.count == 1 && attempts.first?["status_code"] as? Int == 200)

                let delivery = try #require(receiver.received.withLock { $0.first })
                #expect(receiver.count == 1, "delivered once")
                #expect(delivery.path == "/hooks/asr")
                #expect(delivery.headers["Content-Type"] == "application/json")
                let timestamp = try #require(delivery.headers["X-FunASR-Webhook-Timestamp"])
                #expect(abs((Int(timestamp) ?? 0) - Int(Date().timeIntervalSince1970)) < 300)
                #expect(delivery.headers["X-FunASR-Webhook-Id"]?.isEmpty == false)
                let expected = "v1=" + Self.hmacHex(Array("\(timestamp).".utf8) + delivery.body)
                #expect(delivery.headers["X-FunASR-Webhook-Signature"] == expected, "the signature verifies with the secret")
                let body = try #require(try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any])
                #expect(body["task_id"] as? String == id)
                #expect(body["status"] as? String == "SUCCEEDED")
                #expect(body["files"] is [Any], "the body is the job view")

                // Later views of the ended job do not deliver again.
                _ = try await h.request("GET", "/v1/transcriptions/\(id)")
                #expect(receiver.count == 1)
                #expect(!h.everythingSeen.contains(Self.secret), "the webhook secret leaked into logs or responses")
                h.assertNoSecretLeaked()
            }
        }
    }

    @Test func aFailedDeliveryIsRetriedAndBothAttemptsShow() async throws {
        let receiver = WebhookReceiver(script: [HTTPResponse(status: 500)])
        try await receiver.serving { port in
            try await GatewayHarness.with(configure: Self.configure()) { h in
                let id = try await Self.submitAndFinish(h, callback: "http://127.0.0.1:\(port)/hook")
                let webhook = try await Self.webhook(h, id) { $0["state"] as? String == "delivered" }
                #expect(webhook["state"] as? String == "delivered")
                let attempts = Self.attempts(webhook)
                #expect(attempts.map { $0["status_code"] as? Int } == [500, 200])
                #expect(attempts.first?["next_retry_at"] is String)
                let ids = receiver.received.withLock { $0.map { $0.headers["X-FunASR-Webhook-Id"] ?? "" } }
                #expect(ids.count == 2 && ids[0] == ids[1], "the event id is stable across retries")
            }
        }
    }

    @Test func aRedirectIsNotFollowed() async throws {
        let receiver = WebhookReceiver(script: Array(repeating: HTTPResponse(status: 302, headers: ["Location": "/elsewhere"]), count: 50))
        try await receiver.serving { port in
            try await GatewayHarness.with(configure: Self.configure()) { h in
                let id = try await Self.submitAndFinish(h, callback: "http://127.0.0.1:\(port)/hook")
                let webhook = try await Self.webhook(h, id) { !Self.attempts($0).isEmpty }
                let attempts = Self.attempts(webhook)
                #expect(attempts.first?["status_code"] as? Int == 302)
                #expect(webhook["state"] as? String == "pending", "a redirect is a failed attempt, retried later")
                #expect(receiver.received.withLock { $0.allSatisfy { $0.path == "/hook" } }, "the redirect was not followed")
            }
        }
    }

    @Test func privateAddressesAreRefusedWithoutTheAllowList() async throws {
        let receiver = WebhookReceiver()
        try await receiver.serving { port in
            try await GatewayHarness.with(configure: Self.configure(allow: [])) { h in
                for literal in ["http://10.1.2.3/hook", "http://127.0.0.1:\(port)/hook", "http://169.254.169.254/latest", "http://[::1]:\(port)/", "http://192.168.1.1/"] {
                    let refused = try await Self.submit(h, callback: literal)
                    #expect(refused.status == 400, "\(literal)")
                    #expect(refused.error["code"] as? String == "invalid_request")
                    #expect((refused.error["message"] as? String ?? "").contains("callback_url"))
                }
                // A host name is resolved at delivery: refused there, recorded, and never connected to.
                let id = try await Self.submitAndFinish(h, callback: "http://localhost:\(port)/hook")
                let webhook = try await Self.webhook(h, id) { !Self.attempts($0).isEmpty }
                let error = Self.attempts(webhook).first?["error"] as? String ?? ""
                #expect(error.contains("loopback"), "\(error)")
                #expect(receiver.count == 0, "no connection to a refused address")
            }
        }
    }

    @Test func callbacksAreValidatedAtSubmit() async throws {
        try await GatewayHarness.with { h in
            let unsigned = try await Self.submit(h, callback: "https://example.com/hook")
            #expect(unsigned.status == 400)
            #expect((unsigned.error["message"] as? String ?? "").contains("callback_url"))
            #expect((unsigned.error["message"] as? String ?? "").contains("secret"))
        }
        try await GatewayHarness.with(configure: Self.configure()) { h in
            for bad in ["ftp://example.com/x", "https://user:pw@example.com/x", "https://example.com:99999/", "https://example.com/" + String(repeating: "a", count: 2100)] {
                let refused = try await Self.submit(h, callback: bad)
                #expect(refused.status == 400, "\(bad)")
                #expect((refused.error["message"] as? String ?? "").contains("callback_url"))
            }
            let raw = try await h.request(
                "POST", "/v1/transcriptions?callback_url=ftp://example.com/x", body: [0, 1, 2, 3],
                headers: [("Content-Type", "audio/wav")])
            #expect(raw.status == 400)
            #expect((raw.error["message"] as? String ?? "").contains("callback_url"))
        }
    }

    /// The delivered job views' task ids, once `count` deliveries arrived (bounded polling, 20 s).
    static func deliveredTaskIDs(_ receiver: WebhookReceiver, count: Int) async throws -> [String] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(20))
        while receiver.count < count, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return try receiver.received.withLock { $0 }.map { delivery in
            let body = try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
            return body?["task_id"] as? String ?? ""
        }
    }

    @Test func theDefaultWebhookFollowsLocalNativeAndOpenAIJobSubmits() async throws {
        let receiver = WebhookReceiver()
        try await receiver.serving { port in
            let url = "http://127.0.0.1:\(port)/default-hook"
            let configure: (inout GatewayConfiguration) -> Void = {
                Self.configure()(&$0)
                StreamedUploadTests.patientUpstream(&$0)
                $0.webhooks.defaultURL = url
            }
            try await GatewayHarness.with(configure: configure) { h in
                // A local submit without callback_url.
                let local = try await h.request(
                    "POST", "/v1/transcriptions", body: jsonBody(#"{"file_url": "https://example.com/a.wav"}"#),
                    headers: [("Content-Type", "application/json")])
                let localID = try #require(local.json["task_id"] as? String)
                // A DashScope-native submit: its body has no callback field.
                let native = try await h.request(
                    "POST", "/api/v1/services/audio/asr/transcription",
                    body: jsonBody(#"{"model": "fun-asr", "input": {"file_urls": ["https://example.com/b.wav"]}, "parameters": {}}"#),
                    headers: [("Content-Type", "application/json"), ("X-DashScope-Async", "enable")])
                #expect(native.status == 200, "\(native.text)")
                let nativeID = try #require((native.json["output"] as? [String: Any])?["task_id"] as? String)
                for id in [localID, nativeID] {
                    let done = try await h.request("GET", "/v1/transcriptions/\(id)?wait=20")
                    #expect(done.json["status"] as? String == "SUCCEEDED", "\(done.text)")
                }
                // An OpenAI request past Flash's 10 MB runs as a job and answers when it ended.
                let (openAI, _) = try await OpenAIJobFallbackTests.post(h, [("language", "en")])
                #expect(openAI.status == 200, "\(openAI.text)")
                let kept = try await h.request("GET", "/v1/transcriptions?label=openai")
                let openAIID = try #require((kept.json["tasks"] as? [[String: Any]])?.first?["task_id"] as? String)

                let delivered = try await Self.deliveredTaskIDs(receiver, count: 3)
                #expect(Set(delivered) == [localID, nativeID, openAIID], "\(delivered)")
                #expect(receiver.received.withLock { $0 }.allSatisfy { $0.path == "/default-hook" })
                for id in [nativeID, openAIID] {
                    let webhook = try await Self.webhook(h, id) { $0["state"] as? String == "delivered" }
                    #expect(webhook["url"] as? String == url, "the job view shows the default webhook of \(id)")
                }
            }
        }
    }

    @Test func pendingDeliveriesSurviveARestart() async throws {
        let receiver = WebhookReceiver(script: Array(repeating: HTTPResponse(status: 503), count: 1000))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString).sqlite").path
        try await receiver.serving { port in
            var id = ""
            try await GatewayHarness.with(configure: Self.configure(store: .file(path))) { h in
                id = try await Self.submitAndFinish(h, callback: "http://127.0.0.1:\(port)/hook")
                let webhook = try await Self.webhook(h, id) { !Self.attempts($0).isEmpty }
                #expect(Self.attempts(webhook).first?["status_code"] as? Int == 503)
            }
            receiver.script.withLock { $0.removeAll() }
            try await GatewayHarness.with(configure: Self.configure(store: .file(path))) { h in
                let webhook = try await Self.webhook(h, id) { $0["state"] as? String == "delivered" }
                #expect(webhook["state"] as? String == "delivered", "the restarted gateway retried the pending delivery")
                let codes = Self.attempts(webhook).compactMap { $0["status_code"] as? Int }
                #expect(codes.first == 503 && codes.last == 200)
            }
        }
    }

    @Test func theConfigReportRedactsTheSecret() {
        var config = GatewayConfiguration()
        config.webhooks.secret = Self.secret
        config.webhooks.allow = ["127.0.0.1"]
        let text = ConfigurationReport(configuration: config, keySource: nil).text
        #expect(!text.contains(Self.secret))
        #expect(text.contains("webhook_secret") && text.contains("<redacted>"))
    }
}
