import DashScope
import FoundationEssentials

// What `funasr-gateway config` prints. Secrets never appear: the key is shown as `<redacted>` with where it came
// from, the local tokens only as a count, and a base URL that carries user info (refused at start anyway) is shown
// with the user info replaced by `<redacted>`. Everything else is printed as the gateway would run with it, after
// flags, environment and defaults.

/// The effective configuration as `name: value` lines, with secrets redacted.
public struct ConfigurationReport: Sendable {
    /// The lines, in print order.
    public var entries: [(name: String, value: String)]

    private let baseURL: String?

    /// Describes `configuration`; `keySource` says where the key came from (nil: no key configured).
    public init(configuration c: GatewayConfiguration, keySource: String?) {
        baseURL = c.baseURL
        var entries: [(name: String, value: String)] = []
        entries.append(("mode", c.simulated ? "simulated (built-in DashScope simulator, synthetic results)" : "dashscope"))
        let key = c.apiKey.map { $0.secret.isEmpty ? "empty" : "\($0)" } ?? "not set"
        entries.append(("dashscope_api_key", keySource.map { "\(key) (from \($0))" } ?? key))
        entries.append(("region", c.region.rawValue))
        entries.append(("workspace_id", c.workspaceID ?? "-"))
        entries.append(("base_url", c.baseURL ?? "-"))
        switch Result(catching: { () throws(ConfigurationError) in try c.endpoint() }) {
        case .success(let endpoint): entries.append(("upstream", endpoint.origin))
        case .failure(let error): entries.append(("upstream", "invalid: \(error)"))
        }
        entries = entries.map { ($0.name, Self.redact($0.value, baseURL: c.baseURL)) }
        entries.append(("listen", "\(c.listen)"))
        entries.append(("local_tokens", c.tokens.isEmpty ? "0 (local authentication off)" : "\(c.tokens.count) configured"))
        entries.append(("allow_unauthenticated", "\(c.allowUnauthenticated)"))
        entries.append(("upstream_timeout", Self.seconds(c.timeouts.request)))
        entries.append(("upstream_connect_timeout", Self.seconds(c.timeouts.connect)))
        entries.append(("stream_idle_timeout", Self.seconds(c.timeouts.streamIdle)))
        entries.append(("keep_alive_interval", Self.seconds(c.keepAliveInterval)))
        entries.append(("max_wait", "\(c.maxWaitSeconds)s"))
        entries.append(("max_waiters", "\(c.maxWaiters)"))
        switch c.store {
        case .memory: entries.append(("store", "memory"))
        case .file(let path): entries.append(("store", path))
        }
        entries.append(("retention_days", "\(c.retentionDays)"))
        entries.append(("poll_rate", "\(c.pollRate)/s"))
        entries.append(("task_answer_reuse", "\(Int(c.taskAnswerReuse / .milliseconds(1))) ms"))
        entries.append(("webhook_secret", c.webhooks.secret == nil ? "not set (callback_url refused)" : "<redacted>"))
        entries.append(("webhook_url", c.webhooks.defaultURL ?? "-"))
        entries.append(("webhook_allow", c.webhooks.allow.isEmpty ? "-" : c.webhooks.allow.joined(separator: ",")))
        entries.append(("drain_timeout", "\(c.drainTimeoutSeconds)s"))
        entries.append(("shutdown_delay", "\(c.shutdownDelaySeconds)s"))
        entries.append(("connection_limit", "\(c.connectionLimit)"))
        entries.append(("idle_timeout", "\(c.idleTimeoutSeconds)s"))
        entries.append(("header_timeout", Self.seconds(c.requestTimeLimits.header)))
        entries.append(("body_timeout", Self.seconds(c.requestTimeLimits.body)))
        entries.append(("body_min_rate", "\(c.requestTimeLimits.bodyMinimumRate) bytes/s"))
        entries.append(("json_body_limit", "\(c.jsonBodyLimit) bytes"))
        entries.append(("upload_limit", "\(c.audioBodyLimit) bytes"))
        entries.append(("body_memory_limit", "\(c.bodyMemoryLimit) bytes"))
        entries.append(("readiness_timeout", Self.seconds(c.readinessTimeout)))
        entries.append(("readiness_cache", Self.seconds(c.readinessCacheTTL)))
        entries.append(("threads", "\(c.threads)"))
        entries.append(("flash_model", c.flashModel))
        let aliases = c.openAIModelAliases.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        entries.append(("openai_model_aliases", aliases.isEmpty ? "-" : aliases.joined(separator: ",")))
        self.entries = entries
    }

    /// Aligned `name  value` lines, one per entry, each ending in a newline.
    public var text: String {
        let width = entries.map(\.name.count).max() ?? 0
        return entries.map { $0.name + String(repeating: " ", count: width - $0.name.count + 2) + $0.value + "\n" }.joined()
    }

    /// `message` with the base URL's user info (if any) replaced by `<redacted>`.
    public func redacted(_ message: String) -> String {
        Self.redact(message, baseURL: baseURL)
    }

    private static func redact(_ text: String, baseURL: String?) -> String {
        guard let baseURL else { return text }
        return UserInfoRedaction.redacting(baseURL, in: text)
    }

    /// `1.5s`, `30s`.
    static func seconds(_ duration: Duration) -> String {
        let (whole, atto) = duration.components
        if atto == 0 { return "\(whole)s" }
        let value = Double(whole) + Double(atto) / 1e18
        return "\((value * 1000).rounded() / 1000)s"
    }
}
