import DashScope
import Testing

@Suite struct EndpointAndPolicyTests {
    @Test(arguments: [
        (DashScopeRegion.beijing, nil as String?, nil as String?, "https://dashscope.aliyuncs.com"),
        (.singapore, nil, nil, "https://dashscope-intl.aliyuncs.com"),
        (.beijing, "ws-1", nil, "https://ws-1.cn-beijing.maas.aliyuncs.com"),
        (.singapore, "ws_2", nil, "https://ws_2.ap-southeast-1.maas.aliyuncs.com"),
        (.singapore, "ws-1", "http://127.0.0.1:9000", "http://127.0.0.1:9000"),
        (.beijing, nil, "https://proxy.example.com/api/v1/", "https://proxy.example.com"),
    ])
    func endpointResolution(region: DashScopeRegion, workspace: String?, base: String?, origin: String) throws {
        let endpoint = try DashScopeEndpoint(region: region, workspaceID: workspace, baseURL: base)
        #expect(endpoint.origin == origin)
    }

    @Test(arguments: ["ftp://x", "127.0.0.1:9000", "http://host/path", "http://user@host", "http://h:99999", "http://"])
    func badBaseURLsAreRejected(base: String) {
        #expect(throws: DashScopeEndpoint.InvalidEndpoint.self) {
            try DashScopeEndpoint(region: .beijing, baseURL: base)
        }
    }

    @Test func badWorkspaceIDIsRejected() {
        #expect(throws: DashScopeEndpoint.InvalidEndpoint.self) {
            try DashScopeEndpoint(region: .beijing, workspaceID: "-bad/../x")
        }
    }

    @Test func urlsEncodeQueryValues() throws {
        let endpoint = try DashScopeEndpoint(region: .beijing)
        #expect(endpoint.url(path: "/api/v1/tasks", query: [("status", "A B"), ("x", "é&")])
            == "https://dashscope.aliyuncs.com/api/v1/tasks?status=A%20B&x=%C3%A9%26")
    }

    @Test(arguments: [
        ("https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/prod/x.json?Expires=1", true),
        ("http://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/x.json", false),
        ("https://aliyuncs.com.evil.com/x.json", false),
        ("https://evil.com/x.aliyuncs.com", false),
        ("https://user@x.aliyuncs.com/x.json", false),
        ("http://127.0.0.1:9000/results/1/0.json", true),
        ("http://127.0.0.1:9001/results/1/0.json", false),
        ("http://localhost:9000/results/1/0.json", false),
        ("file:///etc/passwd", false),
    ])
    func resultDownloadsOnlyFromDashScopeOrTheConfiguredDouble(url: String, allowed: Bool) throws {
        let policy = ResultURLPolicy(endpoint: try DashScopeEndpoint(region: .beijing, baseURL: "http://127.0.0.1:9000"))
        #expect(policy.allows(url) == allowed)
    }

    @Test func apiKeyNeverPrints() {
        let key = APIKey("  sk-secret-value\n")
        #expect(key.secret == "sk-secret-value")
        #expect("\(key)" == "<redacted>")
        #expect(String(reflecting: key) == "<redacted>")
    }
}
