/// How the simulated DashScope behaves: accepted keys, task timing, stream pacing and limits.
public struct SimulatorConfiguration: Sendable, Equatable {
    /// Bearer keys the double accepts; an empty set accepts any non-empty key.
    public var acceptedAPIKeys: Set<String>
    /// How long a submitted task stays PENDING (zero is allowed).
    public var pendingDuration: Duration
    /// How long a scheduled task stays RUNNING before it finishes (zero is allowed).
    public var runningDuration: Duration
    /// The pause between two SSE events of a Flash/Realtime stream.
    public var eventInterval: Duration
    /// How long tasks and result URLs live (DashScope: 24 h).
    public var retention: Duration
    /// The public root of the double (e.g. `http://127.0.0.1:8123`); nil uses the request's Host header.
    public var baseURL: String?
    /// The most `file_urls` one submit accepts (older docs: 100; the current doc says 1, see §13.1).
    public var maxFileURLs: Int
    /// The largest decoded inline (`data:`) audio for Flash/Realtime, in bytes (DashScope: 10 MB).
    public var maxInlineAudioBytes: Int
    /// The largest temporary upload the getPolicy answer allows, in MB (`max_file_size_mb`; DashScope: 100).
    public var uploadMaxFileSizeMB: Int
    /// How long an upload policy is accepted (`expire_in_seconds`; DashScope: 300 s).
    public var uploadPolicyLifetime: Duration
    /// How long a live-audio task may receive nothing before it fails with `CLIENT_ERROR` (DashScope: 23 s).
    public var liveAudioIdleTimeout: Duration

    /// Creates a configuration; every argument has the interactive default.
    public init(
        acceptedAPIKeys: Set<String> = [],
        pendingDuration: Duration = .seconds(1),
        runningDuration: Duration = .seconds(2),
        eventInterval: Duration = .milliseconds(150),
        retention: Duration = .seconds(24 * 3600),
        baseURL: String? = nil,
        maxFileURLs: Int = 100,
        maxInlineAudioBytes: Int = 10 * 1024 * 1024,
        uploadMaxFileSizeMB: Int = 100,
        uploadPolicyLifetime: Duration = .seconds(300),
        liveAudioIdleTimeout: Duration = .seconds(23)
    ) {
        self.acceptedAPIKeys = acceptedAPIKeys
        self.pendingDuration = pendingDuration
        self.runningDuration = runningDuration
        self.eventInterval = eventInterval
        self.retention = retention
        self.baseURL = baseURL
        self.maxFileURLs = maxFileURLs
        self.maxInlineAudioBytes = maxInlineAudioBytes
        self.uploadMaxFileSizeMB = uploadMaxFileSizeMB
        self.uploadPolicyLifetime = uploadPolicyLifetime
        self.liveAudioIdleTimeout = liveAudioIdleTimeout
    }

    /// The key `fastForTests` accepts.
    public static let testAPIKey = "sk-simulator-test"

    /// For `--simulate`: any key, PENDING 1 s, RUNNING 2 s, an event every 150 ms.
    public static let interactive = SimulatorConfiguration()

    /// For tests: only `testAPIKey`, PENDING 50 ms, RUNNING 100 ms, no pause between events.
    public static let fastForTests = SimulatorConfiguration(
        acceptedAPIKeys: [testAPIKey],
        pendingDuration: .milliseconds(50),
        runningDuration: .milliseconds(100),
        eventInterval: .zero
    )
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
