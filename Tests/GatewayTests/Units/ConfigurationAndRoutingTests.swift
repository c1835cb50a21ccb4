import DashScope
@testable import Gateway
import Testing

@Suite struct ConfigurationAndRoutingTests {
    func valid() -> GatewayConfiguration {
        var config = GatewayConfiguration()
        config.apiKey = APIKey("sk-x")
        return config
    }

    @Test func aValidConfigurationPasses() throws {
        try valid().validate()
    }

    @Test func aDefaultWebhookTheSSRFRuleRefusesStopsTheStart() throws {
        var config = valid()
        config.webhooks.secret = "whsec-test-0123456789abcdef"
        config.webhooks.defaultURL = "http://10.1.2.3:8000/hook"
        #expect { try config.validate() } throws: { error in
            "\(error)".contains("default webhook URL") && "\(error)".contains("10.1.2.3")
        }
        config.webhooks.allow = ["10.1.2.3"]
        try config.validate()
    }

    @Test func noKeyPointsToSimulate() {
        var config = valid()
        config.apiKey = nil
        #expect { try config.validate() } throws: { error in
            "\(error)".contains("--simulate") && "\(error)".contains("DASHSCOPE_API_KEY")
        }
    }

    @Test func publicListenNeedsTokensOrExplicitOptIn() throws {
        var config = valid()
        config.listen = try ListenAddress(parsing: "0.0.0.0:8080")
        #expect(throws: ConfigurationError.self) { try config.validate() }
        config.tokens = ["a-long-token"]
        try config.validate()
        config.tokens = []
        config.allowUnauthenticated = true
        try config.validate()
    }

    @Test func shortTokensAreRefused() {
        var config = valid()
        config.tokens = ["short"]
        #expect(throws: ConfigurationError.self) { try config.validate() }
    }

    @Test(arguments: [("127.0.0.1:8080", "127.0.0.1", 8080), ("[::1]:0", "::1", 0), (":9000", "127.0.0.1", 9000)])
    func listenAddresses(text: String, host: String, port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.isLoopback)
    }

    @Test(arguments: ["8080", "host:port", "h:70000"])
    func badListenAddresses(text: String) {
        #expect(throws: ConfigurationError.self) { try ListenAddress(parsing: text) }
    }

    @Test func tokensParse() {
        #expect(GatewayConfiguration.parseTokens(" a1234567 ,b1234567,, ") == ["a1234567", "b1234567"])
    }

    @Test func tokenVerifier() {
        let verifier = TokenVerifier(tokens: ["token-one-123", "token-two-456"])
        #expect(verifier.accepts(authorization: "Bearer token-two-456"))
        #expect(verifier.accepts(authorization: "bearer token-one-123"))
        #expect(!verifier.accepts(authorization: "Bearer token-one-12"))
        #expect(!verifier.accepts(authorization: "Basic token-one-123"))
        #expect(!verifier.accepts(authorization: nil))
        #expect(TokenVerifier(tokens: []).accepts(authorization: nil))
    }

    @Test func aWebSocketMayCarryItsTokenAsASubprotocol() {
        let verifier = TokenVerifier(tokens: ["token-one-123"])
        #expect(verifier.accepts(webSocketProtocols: "funasr-gateway, funasr-token.token-one-123"))
        #expect(verifier.accepts(webSocketProtocols: "funasr-token.token-one-123"))
        #expect(!verifier.accepts(webSocketProtocols: "funasr-gateway, funasr-token.token-one-12"))
        #expect(!verifier.accepts(webSocketProtocols: "token-one-123"), "only the funasr-token. prefix carries a token")
        #expect(!verifier.accepts(webSocketProtocols: nil))
        #expect(TokenVerifier(tokens: []).accepts(webSocketProtocols: nil))
    }

    @Test func routerMatchesParametersMethodsAndTrailingSlashes() {
        let router = Router(routes: [
            Route("GET", "/v1/transcriptions/{id}", name: "get") { _ in .init(status: 200) },
            Route("POST", "/v1/transcriptions/{id}/cancel", name: "cancel") { _ in .init(status: 200) },
            Route("GET", "/api/v1/tasks", name: "list") { _ in .init(status: 200) },
        ])
        guard case .found(let route, let parameters) = router.match(method: "GET", path: "/v1/transcriptions/abc") else {
            Issue.record("no match")
            return
        }
        #expect(route.name == "get")
        #expect(parameters == ["id": "abc"])
        guard case .found = router.match(method: "HEAD", path: "/api/v1/tasks/") else {
            Issue.record("HEAD with trailing slash should match GET")
            return
        }
        guard case .methodNotAllowed(let allowed) = router.match(method: "DELETE", path: "/v1/transcriptions/abc/cancel") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["POST"])
        guard case .notFound = router.match(method: "GET", path: "/v1/other") else {
            Issue.record("expected 404")
            return
        }
    }
}
