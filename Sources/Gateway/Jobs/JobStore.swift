// The durable record of every task submitted through the gateway: one protocol, so a PostgreSQL store can follow
// the in-memory and SQLite ones. Times are epoch milliseconds. Nothing secret is kept: no Authorization header, no
// key; the upstream view holds what DashScope answered to a task query (its signed result URLs included, which
// expire with DashScope's 24 h).

/// Where the gateway keeps its jobs.
public enum JobStoreLocation: Sendable, Equatable {
    /// In memory, lost at exit (tests).
    case memory
    /// An SQLite database file.
    case file(String)
}

/// One job as the store keeps it.
public struct StoredJob: Sendable, Equatable {
    /// DashScope's task id.
    public var taskID: String
    /// The model the task was submitted with.
    public var model: String
    /// The client's free-form label from the submit, if any.
    public var label: String?
    /// How it was submitted: `local` (the gateway's API) or `native` (the DashScope passthrough).
    public var source: String
    /// When the gateway submitted it.
    public var submittedAt: Int64
    /// The last status seen (DashScope's word: PENDING, RUNNING, SUCCEEDED, FAILED, CANCELED).
    public var status: String
    /// The last task-query answer seen, as DashScope's JSON; nil until the first query.
    public var upstreamView: [UInt8]?
    /// True once every succeeded file's result document is kept.
    public var documentsKept: Bool
    /// When the gateway first saw the task end; retention counts from here.
    public var endedAt: Int64?
    /// The job's webhook, when it has one (filled by `JobKeeper.job`, not by the store's `job`).
    public var webhook: StoredWebhook?

    /// Creates a record of a fresh submit.
    public init(
        taskID: String, model: String, label: String? = nil, source: String = "local", submittedAt: Int64,
        status: String = "PENDING", upstreamView: [UInt8]? = nil, documentsKept: Bool = false, endedAt: Int64? = nil
    ) {
        self.taskID = taskID
        self.model = model
        self.label = label
        self.source = source
        self.submittedAt = submittedAt
        self.status = status
        self.upstreamView = upstreamView
        self.documentsKept = documentsKept
        self.endedAt = endedAt
    }
}

/// Which jobs a listing wants (every set field must match), newest first.
public struct JobFilter: Sendable, Equatable {
    /// Only this status.
    public var status: String?
    /// Only this model.
    public var model: String?
    /// Only this label.
    public var label: String?
    /// Only jobs submitted at or after this instant.
    public var since: Int64?
    /// Most jobs returned.
    public var limit = 100
    /// Jobs skipped first (paging).
    public var offset = 0

    /// Creates a filter matching everything.
    public init() {}
}

/// What an `Idempotency-Key` leads to when a submit presents it.
public enum IdempotencyReservation: Sendable, Equatable {
    /// The key is new and now held by this request: submit, then complete or release it.
    case reserved
    /// A submit with this key and body already finished: answer this again.
    case completed(status: Int, body: [UInt8])
    /// A submit with this key is still running.
    case inProgress
    /// The key was used with a different request.
    case mismatch
}

/// The job store's interface; every call is short (one small statement or transaction).
public protocol JobStore: Sendable {
    /// Records a submitted task; a task already recorded is left as it is.
    func insert(_ job: StoredJob) async throws(JobStoreError)
    /// The job, or nil when the store does not know it.
    func job(_ taskID: String) async throws(JobStoreError) -> StoredJob?
    /// The job with its webhook attached, or nil (a default below reads them one after the other).
    func jobWithWebhook(_ taskID: String) async throws(JobStoreError) -> StoredJob?
    /// Keeps the latest status and task-query answer; `endedAt` is set once, the first time it is given.
    func update(_ taskID: String, status: String, upstreamView: [UInt8], endedAt: Int64?) async throws(JobStoreError)
    /// Keeps one file's result document.
    func saveDocument(_ taskID: String, file: Int, _ document: [UInt8]) async throws(JobStoreError)
    /// Marks every result document of the job as kept.
    func markDocumentsKept(_ taskID: String) async throws(JobStoreError)
    /// One kept result document.
    func document(_ taskID: String, file: Int) async throws(JobStoreError) -> [UInt8]?
    /// Forgets a job and its documents; false when it was unknown.
    func delete(_ taskID: String) async throws(JobStoreError) -> Bool
    /// Jobs matching the filter, newest first.
    func list(_ filter: JobFilter) async throws(JobStoreError) -> [StoredJob]
    /// Jobs whose result documents are not kept yet (still running, or ended and not downloaded), submitted at or
    /// after `since`, not UNKNOWN (forgotten by DashScope), oldest first: what the background poller follows.
    func followable(since: Int64, limit: Int) async throws(JobStoreError) -> [StoredJob]
    /// Forgets jobs that ended before `cutoff` and idempotency keys created before it; returns the jobs removed.
    func prune(before cutoff: Int64) async throws(JobStoreError) -> Int
    /// Looks up or takes an idempotency key for a request with this fingerprint.
    func reserveKey(_ key: String, fingerprint: String, now: Int64) async throws(JobStoreError) -> IdempotencyReservation
    /// Stores the answer of the submit that held the key.
    func completeKey(_ key: String, status: Int, body: [UInt8]) async throws(JobStoreError)
    /// Gives a key back after its submit failed, so a retry may submit.
    func releaseKey(_ key: String) async throws(JobStoreError)
    /// Creates or replaces a job's webhook (ignored when the job is unknown).
    func saveWebhook(_ webhook: StoredWebhook) async throws(JobStoreError)
    /// The job's webhook, or nil.
    func webhook(_ taskID: String) async throws(JobStoreError) -> StoredWebhook?
    /// Makes a job's webhook due at `now` with this event id, only if no event was ever set (once per job, even
    /// when several observers see the end at the same time); false when it was already triggered or is unknown.
    func triggerWebhook(_ taskID: String, eventID: String, now: Int64) async throws(JobStoreError) -> Bool
    /// Pending webhooks whose next attempt is due at `now`, soonest first.
    func dueWebhooks(now: Int64, limit: Int) async throws(JobStoreError) -> [StoredWebhook]
}

extension JobStore {
    /// The job with its webhook attached, or nil: `job` then `webhook` (SQLiteJobStore reads both in one trip to its
    /// queue, since every local query of a job asks for both).
    public func jobWithWebhook(_ taskID: String) async throws(JobStoreError) -> StoredJob? {
        guard var job = try await job(taskID) else { return nil }
        job.webhook = try await webhook(taskID)
        return job
    }
}

/// The store could not be read or written.
public struct JobStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong (no secrets: SQL errors and paths only).
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

extension JobStoreError: GatewayErrorConvertible {
    /// 503 `store_unavailable`: the request needed the store and it failed.
    var gatewayError: GatewayError {
        GatewayError(status: 503, code: "store_unavailable", message: "the job store failed: \(message)")
    }
}
