import ArgumentParser
import DashScope
import FoundationEssentials
import Gateway

/// The flags shared by `serve`; each falls back to its environment variable.
struct GatewayOptions: ParsableArguments {
    @Option(name: .customLong("api-key"), help: "DashScope API key [env: DASHSCOPE_API_KEY]. Prefer --api-key-file: flags are visible in ps.")
    var apiKey: String?

    @Option(name: .customLong("api-key-file"), help: "File holding the DashScope API key [env: DASHSCOPE_API_KEY_FILE].")
    var apiKeyFile: String?

    @Option(help: "DashScope region: cn-beijing or ap-southeast-1 [env: DASHSCOPE_REGION] (default: cn-beijing).")
    var region: String?

    @Option(name: .customLong("workspace-id"), help: "Workspace id; selects https://{id}.{region}.maas.aliyuncs.com [env: DASHSCOPE_WORKSPACE_ID].")
    var workspaceID: String?

    @Option(name: .customLong("base-url"), help: "Upstream origin overriding region and workspace, e.g. http://127.0.0.1:9000 [env: DASHSCOPE_BASE_URL].")
    var baseURL: String?

    @Option(help: "Listen address host:port; port 0 picks a free one [env: FUNASR_GATEWAY_LISTEN] (default: 127.0.0.1:8080).")
    var listen: String?

    @Option(help: "Comma-separated local client tokens; when set every route but health needs Authorization: Bearer <token> [env: FUNASR_GATEWAY_TOKENS].")
    var tokens: String?

    @Option(name: .customLong("tokens-file"), help: "File of local client tokens, one per line or comma-separated; used when --tokens is not given [env: FUNASR_GATEWAY_TOKENS_FILE].")
    var tokensFile: String?

    @Flag(name: .customLong("allow-unauthenticated"), help: "Allow a non-loopback listen address without local tokens.")
    var allowUnauthenticated = false

    @Flag(help: "Run against the built-in DashScope simulator (no key, no cost, synthetic results).")
    var simulate = false

    @Option(name: .customLong("log-format"), help: "Log format: text or json (default: text).")
    var logFormat: String = "text"

    @Option(name: .customLong("drain-timeout"), help: "Seconds in-flight requests get to finish on SIGTERM/SIGINT (default: 20).")
    var drainTimeout: Int = 20

    @Option(name: .customLong("shutdown-delay"), help: "Seconds between the first SIGTERM/SIGINT (readiness turns 503 at once) and closing the listener; a second signal exits at once.")
    var shutdownDelay: Int = 0

    @Option(name: .customLong("max-wait"), help: "Longest ?wait= in seconds a client may ask for (default: 120).")
    var maxWait: Int = 120

    @Option(name: .customLong("max-waiters"), help: "Most ?wait= long polls held at once; past it the current state is answered without waiting (X-FunASR-Wait: skipped) [env: FUNASR_GATEWAY_MAX_WAITERS] (default: 256).")
    var maxWaiters: Int?

    @Option(name: .customLong("connection-limit"), help: "Most requests in flight at once, open streams included; past it 503 + Retry-After (default: 4096).")
    var connectionLimit: Int = 4096

    @Option(name: .customLong("per-ip-connection-limit"), help: "Most connections one client address may hold, 0 for none [env: FUNASR_GATEWAY_PER_IP_CONNECTION_LIMIT] (default: 0).")
    var perIPConnectionLimit: Int?

    @Option(name: .customLong("idle-timeout"), help: "Seconds an idle keep-alive connection stays open (default: 60).")
    var idleTimeout: Int = 60

    @Option(name: .customLong("header-timeout"), help: "Seconds from accept to a complete request head, however steadily it trickles; past it the connection is closed (default: 10).")
    var headerTimeout: Int = 10

    @Option(name: .customLong("body-timeout"), help: "Seconds a request body gets on top of what its size needs at --body-min-rate; a slower body is cut (default: 30).")
    var bodyTimeout: Int = 30

    @Option(name: .customLong("body-min-rate"), help: "Slowest average upload rate in bytes per second once --body-timeout is used up; 25 MiB may take 27 min (default: 16384).")
    var bodyMinRate: Int = 16 << 10

    @Option(name: .customLong("json-body-limit"), help: "Body cap in bytes of the JSON routes (default: 1048576).")
    var jsonBodyLimit: Int = 1 << 20

    @Option(name: .customLong("upload-limit"), help: "Body cap in bytes of the audio upload routes (default: 26214400).")
    var uploadLimit: Int = 25 << 20

    @Option(name: .customLong("body-memory-limit"), help: "Bytes all request bodies being received at once may hold; past it 503 + Retry-After [env: FUNASR_GATEWAY_BODY_MEMORY_LIMIT] (default: 268435456).")
    var bodyMemoryLimit: Int?

    @Option(name: .customLong("upstream-timeout"), help: "Seconds to wait for DashScope's response head (default: 30).")
    var upstreamTimeout: Int = 30

    @Option(name: .customLong("stream-idle-timeout"), help: "Longest silence in seconds inside an upstream stream (default: 60).")
    var streamIdleTimeout: Int = 60

    @Option(name: .customLong("flash-model"), help: "Fun-ASR-Flash model that OpenAI model names map to [env: FUNASR_GATEWAY_FLASH_MODEL] (default: fun-asr-flash-2026-06-15).")
    var flashModel: String?

    @Option(name: .customLong("model-alias"), help: "OpenAI model name=DashScope model, e.g. whisper-1=fun-asr-flash-2026-06-15; repeatable [env: FUNASR_GATEWAY_MODEL_ALIASES, comma-separated].")
    var modelAliases: [String] = []

    @Option(help: "Job store: an SQLite file path, or memory (lost at exit) [env: FUNASR_GATEWAY_STORE] (default: $XDG_STATE_HOME/funasr-gateway/jobs.sqlite, else ./funasr-gateway-state/jobs.sqlite).")
    var store: String?

    @Option(name: .customLong("retention-days"), help: "Days finished jobs and their results are kept; older ones are pruned at start and hourly [env: FUNASR_GATEWAY_RETENTION_DAYS] (default: 30).")
    var retentionDays: Int?

    @Option(name: .customLong("poll-rate"), help: "DashScope task queries per second, waiting clients and the background poller together; at most 20 [env: FUNASR_GATEWAY_POLL_RATE] (default: 10).")
    var pollRate: Double?

    @Option(name: .customLong("webhook-url"), help: "Default webhook callback for submits without callback_url (local, native, OpenAI jobs) [env: FUNASR_GATEWAY_WEBHOOK_URL].")
    var webhookURL: String?

    @Option(name: .customLong("webhook-secret"), help: "Webhook signing secret (≥ 16 bytes) [env: FUNASR_GATEWAY_WEBHOOK_SECRET]. Prefer --webhook-secret-file: flags are visible in ps.")
    var webhookSecret: String?

    @Option(name: .customLong("webhook-secret-file"), help: "File holding the webhook signing secret; without a secret callback_url is refused [env: FUNASR_GATEWAY_WEBHOOK_SECRET_FILE].")
    var webhookSecretFile: String?

    @Option(name: .customLong("webhook-allow"), help: "Comma-separated hosts or addresses a webhook may reach although loopback, private or link-local [env: FUNASR_GATEWAY_WEBHOOK_ALLOW].")
    var webhookAllow: String?

    /// Builds the configuration from flags, then environment, then defaults (without the simulator).
    func configuration(environment: [String: String]) throws -> GatewayConfiguration {
        var config = GatewayConfiguration()
        config.apiKey = try loadAPIKey(environment: environment)
        if let regionName = region ?? environment["DASHSCOPE_REGION"], !regionName.isEmpty {
            guard let parsed = DashScopeRegion(rawValue: regionName) else {
                throw ConfigurationError("region must be cn-beijing or ap-southeast-1, not '\(regionName)'")
            }
            config.region = parsed
        }
        config.workspaceID = workspaceID ?? environment["DASHSCOPE_WORKSPACE_ID"].flatMap { $0.isEmpty ? nil : $0 }
        config.baseURL = baseURL ?? environment["DASHSCOPE_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let address = listen ?? environment["FUNASR_GATEWAY_LISTEN"], !address.isEmpty {
            config.listen = try ListenAddress(parsing: address)
        }
        config.tokens = try loadLocalTokens(environment: environment)
        config.allowUnauthenticated = allowUnauthenticated
        config.drainTimeoutSeconds = drainTimeout
        config.shutdownDelaySeconds = shutdownDelay
        config.maxWaitSeconds = maxWait
        if let limit = maxWaiters {
            config.maxWaiters = limit
        } else if let text = environment["FUNASR_GATEWAY_MAX_WAITERS"], !text.isEmpty {
            guard let limit = Int(text) else { throw ConfigurationError("FUNASR_GATEWAY_MAX_WAITERS must be a number") }
            config.maxWaiters = limit
        }
        config.connectionLimit = connectionLimit
        if let limit = perIPConnectionLimit {
            config.perIPConnectionLimit = limit
        } else if let text = environment["FUNASR_GATEWAY_PER_IP_CONNECTION_LIMIT"], !text.isEmpty {
            guard let limit = Int(text), limit >= 0 else {
                throw ConfigurationError("FUNASR_GATEWAY_PER_IP_CONNECTION_LIMIT must be a whole number (0 for no limit)")
            }
            config.perIPConnectionLimit = limit
        }
        config.idleTimeoutSeconds = idleTimeout
        config.requestTimeLimits.header = .seconds(headerTimeout)
        config.requestTimeLimits.body = .seconds(bodyTimeout)
        config.requestTimeLimits.bodyMinimumRate = bodyMinRate
        config.jsonBodyLimit = jsonBodyLimit
        config.audioBodyLimit = uploadLimit
        if let limit = bodyMemoryLimit {
            config.bodyMemoryLimit = limit
        } else if let text = environment["FUNASR_GATEWAY_BODY_MEMORY_LIMIT"], !text.isEmpty {
            guard let limit = Int(text) else {
                throw ConfigurationError("FUNASR_GATEWAY_BODY_MEMORY_LIMIT must be a number of bytes")
            }
            config.bodyMemoryLimit = limit
        }
        config.store = Self.storeLocation(store ?? environment["FUNASR_GATEWAY_STORE"], environment: environment)
        if let days = retentionDays {
            config.retentionDays = days
        } else if let text = environment["FUNASR_GATEWAY_RETENTION_DAYS"], !text.isEmpty {
            guard let days = Int(text) else { throw ConfigurationError("FUNASR_GATEWAY_RETENTION_DAYS must be a number of days") }
            config.retentionDays = days
        }
        if let rate = pollRate {
            config.pollRate = rate
        } else if let text = environment["FUNASR_GATEWAY_POLL_RATE"], !text.isEmpty {
            guard let rate = Double(text) else { throw ConfigurationError("FUNASR_GATEWAY_POLL_RATE must be a number") }
            config.pollRate = rate
        }
        config.backgroundPolling = true
        config.taskAnswerReuse = .milliseconds(250)
        config.timeouts = UpstreamTimeouts(request: .seconds(upstreamTimeout), streamIdle: .seconds(streamIdleTimeout))
        config.threads = max(2, ProcessInfo.processInfo.activeProcessorCount)
        if let model = flashModel ?? environment["FUNASR_GATEWAY_FLASH_MODEL"], !model.isEmpty { config.flashModel = model }
        let aliasEntries = modelAliases.isEmpty ? (environment["FUNASR_GATEWAY_MODEL_ALIASES"] ?? "").split(separator: ",").map(String.init) : modelAliases
        config.openAIModelAliases = try GatewayConfiguration.parseModelAliases(aliasEntries)
        config.webhooks.secret = try loadWebhookSecret(environment: environment)
        config.webhooks.defaultURL = (webhookURL ?? environment["FUNASR_GATEWAY_WEBHOOK_URL"]).flatMap { $0.isEmpty ? nil : $0 }
        config.webhooks.allow = GatewayConfiguration.parseTokens(webhookAllow ?? environment["FUNASR_GATEWAY_WEBHOOK_ALLOW"] ?? "")
        return config
    }

    /// `memory`, a given path, or the default file: under `$XDG_STATE_HOME/funasr-gateway/` when it is set, else
    /// under `./funasr-gateway-state/`.
    static func storeLocation(_ value: String?, environment: [String: String]) -> JobStoreLocation {
        if let value, !value.isEmpty { return value == "memory" ? .memory : .file(value) }
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            return .file(state + "/funasr-gateway/jobs.sqlite")
        }
        return .file("funasr-gateway-state/jobs.sqlite")
    }
}
