import DashScope
@testable import Gateway
import JSON
import Logging
import MicroHTTPServer
import Testing

/// A body that completes after its deadline is answered 408 in the route's one error shape (the socket-level
/// behaviour is proven in MicroHTTPServerTests.SlowClientTests).
@Suite struct RequestTimeoutRefusalTests {
    static func handler() -> GatewayHandler {
        var configuration = GatewayConfiguration()
        configuration.apiKey = APIKey("sk-x")
        return GatewayHandler(
            router: Router(routes: []), configuration: configuration, logger: Logger(label: "test"), metrics: GatewayMetrics())
    }

    @Test(arguments: ["/v1/flash", "/v1/audio/transcriptions", "/api/v1/services/aigc/multimodal-generation/generation"])
    func aLateBodyIs408RequestTimeoutInTheRoutesShape(path: String) throws {
        let response = Self.handler().refusal(.requestTimeout, for: HTTPRequestHead(method: "POST", path: path))
        #expect(response.status == 408)
        guard case .bytes(let body) = response.body else {
            Issue.record("a refusal is a whole body")
            return
        }
        let json = try #require(JSONValue.parse(body))
        let code = path.hasPrefix("/api/") ? json["code"]?.stringValue : json["error"]?["code"]?.stringValue
        #expect(code == "request_timeout", "\(String(decoding: body, as: UTF8.self))")
    }

    @Test func nonPositiveDeadlinesAreRefusedAtStart() {
        var configuration = GatewayConfiguration()
        configuration.apiKey = APIKey("sk-x")
        configuration.requestTimeLimits.bodyMinimumRate = 0
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.requestTimeLimits.bodyMinimumRate = 1
        configuration.requestTimeLimits.header = .zero
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
