import DashScope
import MicroHTTPServer

/// Everything the gateway runs with, validated before it starts.
public struct GatewayConfiguration: Sendable {
    /// The DashScope key (nil only in simulate mode, where the simulator's key is used).
    public var apiKey: APIKey?
    /// The DashScope region.
    public var region: DashScopeRegion = .beijing
    /// The workspace id selecting the workspace domain.
    public var workspaceID: String?
    /// An explicit upstream origin that overrides region and workspace.
    public var baseURL: String?
    /// Where the gateway listens.
    public var listen = ListenAddress(host: "127.0.0.1", port: 8080)
    /// Local client tokens; empty means no local authentication.
    public var tokens: [String] = []
    /// Allows a non-loopback listen address without tokens.
    public var allowUnauthenticated = false
    /// True when the upstream is the built-in simulator (announced in a response header).
    public var simulated = false
    /// Upstream deadlines.
    public var timeouts = UpstreamTimeouts()
    /// Body cap of the JSON-only routes.
    public var jsonBodyLimit = 1 << 20
    /// Body cap of routes that carry audio.
    public var audioBodyLimit = 25 << 20
    /// Bytes all request bodies being received at once may hold together (503 + Retry-After past it).
    public var bodyMemoryLimit = 256 << 20
    /// Longest `?wait=` a client may ask for, in seconds.
    public var maxWaitSeconds = 120
    /// Most `?wait=` long polls held at once; past it the current state is answered without waiting.
    public var maxWaiters = 256
    /// Most bytes of result documents one `?include=transcripts` response inlines.
    public var inlineTranscriptsBudget = 32 << 20
    /// Seconds in-flight requests get to finish on SIGTERM.
    public var drainTimeoutSeconds = 20
    /// Seconds between the first SIGTERM/SIGINT (readiness turns 503) and closing the listener.
    public var shutdownDelaySeconds = 0
    /// Most requests in flight at once (open streams included); past it 503 + Retry-After.
    public var connectionLimit = 4096
    /// Most connections one client address may hold; 0 for no limit.
    public var perIPConnectionLimit = 0
    /// Seconds an idle keep-alive connection stays open.
    public var idleTimeoutSeconds = 60
    /// Deadlines for a request's head and body (slow-loris defence); the connection is closed past them.
    public var requestTimeLimits = RequestTimeLimits()
    /// Silence on an event stream after which a `: keep-alive` comment is sent.
    public var keepAliveInterval: Duration = .seconds(15)
    /// How long `/readyz` waits for DashScope before it answers not ready.
    public var readinessTimeout: Duration = .seconds(2)
    /// How long a `/readyz` outcome is reused before DashScope is asked again.
    public var readinessCacheTTL: Duration = .seconds(5)
    /// Worker threads of the HTTP server.
    public var threads = 2
    /// The Fun-ASR-Flash model behind the OpenAI-compatible API's OpenAI model names.
    public var flashModel = RecognitionKind.flash.defaultModel
    /// OpenAI model names mapped to DashScope model ids; whisper-1 and gpt-4o(-mini)-transcribe map to `flashModel` unless listed.
    public var openAIModelAliases: [String: String] = [:]

    /// Where jobs are kept (`--store`): memory by default here; the command defaults to an SQLite file.
    public var store: JobStoreLocation = .memory
    /// Days a finished job and its result documents are kept before they are pruned (`--retention-days`).
    public var retentionDays = 30
    /// DashScope task queries per second, all callers together (`--poll-rate`; DashScope allows 20).
    public var pollRate = 10.0
    /// Whether a background poller follows open jobs (on in the command; off by default here, so tests decide
    /// which upstream calls happen).
    public var backgroundPolling = false
    /// How long a task query's answer is reused for further GETs and waiters of the same task (250 ms in the
    /// command; zero by default here, so each query in a test reaches the simulator).
    public var taskAnswerReuse: Duration = .zero
    /// How long an ended job whose result documents failed to download waits before they are tried again.
    public var documentRetries = DocumentRetrySchedule()
    /// An OpenAI Realtime session's Fun-ASR task that gets no audio for this long is finished (DashScope fails a
    /// task after 23 s without audio); the next audio starts a new one.
    public var realtimeIdleFinish: Duration = .seconds(15)
    /// Webhooks: the signing secret, a default callback, the SSRF allow-list and the retry pace.
    public var webhooks = WebhookConfiguration()

    /// Creates the default configuration.
    public init() {}

    /// The upstream endpoint these settings select.
    public func endpoint() throws(ConfigurationError) -> DashScopeEndpoint {
        do {
            return try DashScopeEndpoint(region: region, workspaceID: workspaceID, baseURL: baseURL)
        } catch {
            throw ConfigurationError(UserInfoRedaction.redacting(baseURL ?? "", in: "\(error)"))
        }
    }

    /// Checks the combination of settings; throws the first problem found.
    public func validate() throws(ConfigurationError) {
        if apiKey == nil || apiKey?.secret.isEmpty == true {
            throw ConfigurationError(
                "no DashScope API key: set DASHSCOPE_API_KEY or DASHSCOPE_API_KEY_FILE (or --api-key-file), "
                    + "or run with --simulate to use the built-in DashScope simulator")
        }
        if apiKey?.isWellFormed == false {
            throw ConfigurationError("the DashScope API key must be visible ASCII without spaces or control characters")
        }
        _ = try endpoint()
        if !listen.isLoopback, tokens.isEmpty, !allowUnauthenticated {
            throw ConfigurationError(
                "refusing to listen on \(listen) without local tokens: set FUNASR_GATEWAY_TOKENS, "
                    + "or pass --allow-unauthenticated if the network is trusted")
        }
        if tokens.contains(where: { !Self.isWellFormedToken($0) }) {
            throw ConfigurationError(
                "every local token must be at least 8 characters of visible ASCII without spaces or commas")
        }
        if requestTimeLimits.header <= .zero || requestTimeLimits.body <= .zero || requestTimeLimits.bodyMinimumRate <= 0 {
            throw ConfigurationError("the header timeout, the body timeout and the body's minimum rate must be positive")
        }
        if perIPConnectionLimit < 0 {
            throw ConfigurationError("the per-address connection limit must be 0 (none) or more")
        }
        if !(pollRate > 0 && pollRate <= 20) {
            throw ConfigurationError("the poll rate must be above 0 and at most 20 queries per second (DashScope's limit)")
        }
        if retentionDays < 1 {
            throw ConfigurationError("the retention must be at least 1 day")
        }
        if case .file(let path) = store, path.isEmpty {
            throw ConfigurationError("the job store path must not be empty (or use --store memory)")
        }
        try validateWebhooks()
        if maxWaiters < 0 || inlineTranscriptsBudget < 0 {
            throw ConfigurationError("the wait and inline-transcript limits must not be negative")
        }
        if maxWaitSeconds < 0 || drainTimeoutSeconds < 0 || shutdownDelaySeconds < 0 || jsonBodyLimit <= 0
            || audioBodyLimit <= 0 || bodyMemoryLimit <= 0 {
            throw ConfigurationError("limits and timeouts must be positive")
        }
    }

    private func validateWebhooks() throws(ConfigurationError) {
        if let secret = webhooks.secret, secret.utf8.count < 16 {
            throw ConfigurationError("the webhook secret must be at least 16 bytes")
        }
        if let url = webhooks.defaultURL {
            if case .failure(let problem) = CallbackURL.parse(url) {
                throw ConfigurationError("the default webhook URL \(problem.reason)")
            }
            if webhooks.secret == nil {
                throw ConfigurationError("a default webhook URL needs a webhook secret (--webhook-secret-file): unsigned webhooks are refused")
            }
            // An address the SSRF rule refuses would fail every submit (local ones with a 400): said at start.
            if case .success(let parsed) = CallbackURL.parse(url), let literal = WebhookAddress(literal: parsed.host),
               case .failure(let refusal) = WebhookResolver(configuration: webhooks).check([literal], host: parsed.host) {
                throw ConfigurationError("the default webhook URL is refused: \(refusal.message) (--webhook-allow)")
            }
        }
        if webhooks.retryBase <= .zero || webhooks.pollInterval <= .zero || webhooks.attemptTimeout <= .zero
            || webhooks.giveUpAfterBases < 1 {
            throw ConfigurationError("the webhook retry base, poll interval, attempt timeout and give-up time must be positive")
        }
    }

    /// Parses a token list: comma-separated and/or one per line, surrounding white space and blank entries ignored.
    public static func parseTokens(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0.isNewline }).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// At least 8 bytes of visible ASCII, no comma.
    static func isWellFormedToken(_ token: String) -> Bool {
        token.utf8.count >= 8 && token.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") }
    }
}

import FoundationEssentials
