@testable import Gateway
import Testing

/// The webhook's pure rules: callback URL syntax, the SSRF address classes, the allow-list and the retry schedule.
@Suite struct WebhookRuleTests {
    @Test(arguments: [
        ("https://example.com/hook", true), ("http://example.com:8080/x?y=1", true), ("http://[2001:db8::1]:9/x", true),
        ("ftp://example.com/", false), ("https://user@example.com/", false), ("https://a:b@example.com/", false),
        ("https://example.com:0/", false), ("https://example.com:70000/", false), ("https:///x", false),
        ("https://exa mple.com/", false), ("example.com/hook", false),
    ])
    func callbackURLs(_ url: String, _ accepted: Bool) {
        guard case .success = CallbackURL.parse(url) else { #expect(!accepted, "\(url)"); return }
        #expect(accepted, "\(url)")
    }

    @Test func tooLongURLsAreRefused() {
        let long = "https://example.com/" + String(repeating: "a", count: 2048)
        guard case .failure = CallbackURL.parse(long) else { Issue.record("accepted"); return }
    }

    @Test(arguments: [
        ("127.0.0.1", "loopback"), ("127.9.9.9", "loopback"), ("::1", "loopback"), ("10.0.0.1", "private"),
        ("172.16.0.1", "private"), ("172.31.255.255", "private"), ("192.168.0.10", "private"), ("fc00::1", "private"),
        ("fd12::1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("0.0.0.0", "unspecified"),
        ("::", "unspecified"), ("224.0.0.1", "multicast"), ("ff02::1", "multicast"), ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.1.1.1", "private"), ("8.8.8.8", ""), ("172.32.0.1", ""), ("2001:4860::8888", ""), ("203.0.113.7", ""),
    ])
    func addressClasses(_ text: String, _ restriction: String) throws {
        let address = try #require(WebhookAddress(literal: text))
        #expect((address.restriction ?? "") == restriction, "\(text)")
    }

    @Test func theAllowListExemptsAHostOrAnAddress() {
        var configuration = WebhookConfiguration()
        let loopback = [WebhookAddress(literal: "127.0.0.1")!]
        #expect((try? WebhookResolver(configuration: configuration).check(loopback, host: "localhost").get()) == nil)
        configuration.allow = ["LOCALHOST"]
        #expect((try? WebhookResolver(configuration: configuration).check(loopback, host: "localhost").get()) != nil)
        configuration.allow = ["127.0.0.1"]
        #expect((try? WebhookResolver(configuration: configuration).check(loopback, host: "receiver.test").get()) != nil)
        let mixed = [WebhookAddress(literal: "8.8.8.8")!, WebhookAddress(literal: "10.0.0.1")!]
        #expect((try? WebhookResolver(configuration: WebhookConfiguration()).check(mixed, host: "x.test").get()) == nil,
                "one private address among the resolved ones refuses the host")
    }

    @Test func theScheduleBacksOffAndGivesUpAfter24Hours() {
        let schedule = WebhookSchedule(WebhookConfiguration())
        let delays = (1...8).map { (schedule.nextAttempt(afterFailures: $0, now: 0, dueSince: 0) ?? -1) / 1000 }
        #expect(delays == [10, 30, 60, 300, 1800, 3600, 3600, 3600])
        #expect(schedule.nextAttempt(afterFailures: 9, now: 86_000_000, dueSince: 0) == nil)
    }

    @Test func theSignatureIsAnHMACOverTimestampAndBody() {
        // Computed independently: Python's hmac.new(b"key", b"1.{}", hashlib.sha256).hexdigest().
        let signature = WebhookSignature.sign(secret: "key", timestamp: 1, body: Array("{}".utf8))
        #expect(signature == "v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224")
    }
}
