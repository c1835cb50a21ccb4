/// How the gateway signs, addresses and retries webhooks (`--webhook-*`).
public struct WebhookConfiguration: Sendable {
    /// The HMAC-SHA256 signing secret; without it `callback_url` is refused (unsigned webhooks are a trap).
    public var secret: String?
    /// The callback used when a submit names none: local submits without `callback_url`, DashScope-native and
    /// OpenAI async-job submits.
    public var defaultURL: String?
    /// Hosts or addresses a callback may reach although they are loopback, private, link-local or the like.
    public var allow: [String] = []
    /// The first retry delay; later ones are 3, 6, 30, 180 and 360 times it (10 s, 30 s, 1 min, 5 min, 30 min, 1 h).
    public var retryBase: Duration = .seconds(10)
    /// How long a delivery keeps being retried, in multiples of `retryBase` (8,640: 24 h at 10 s).
    public var giveUpAfterBases = 8_640
    /// Pause between the deliverer's looks for due deliveries.
    public var pollInterval: Duration = .seconds(1)
    /// Longest wait for a receiver's answer.
    public var attemptTimeout: Duration = .seconds(10)

    /// Creates the default configuration (no secret: webhooks off).
    public init() {}

    /// Whether `host` (a name or an address, any case) is in the allow-list.
    func allows(_ host: String) -> Bool {
        let wanted = host.lowercased()
        return allow.contains { $0.lowercased() == wanted }
    }
}
