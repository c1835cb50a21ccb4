import DashScope
import FoundationEssentials
import JSON
import Logging

/// Keeps the gateway's jobs in the store: records submits, follows what task queries say, and downloads a task's
/// result documents as soon as it is seen to end, so answers survive DashScope forgetting the task (24 h) and
/// restarts. Store failures never fail a request that DashScope can answer: they are logged and the request goes
/// on without the store.
struct JobKeeper: Sendable {
    let store: any JobStore
    let client: DashScopeClient
    /// Task queries shared between concurrent callers, under the global query budget.
    let queries: TaskQueries
    let logger: Logger
    /// The jobs whose documents failed to download lately, so a failing URL is not tried on every query.
    let documentRetries: DocumentRetries
    /// Largest result document kept (as the transcript route's download limit).
    var maxDocumentBytes = 64 << 20
    /// The configured default webhook (`--webhook-url`), for submits that cannot name a callback themselves
    /// (DashScope-native and OpenAI async-job submits); validated at start.
    var defaultCallbackURL: String?

    /// A finished job the store can answer alone: its last upstream view, with every document kept.
    struct Kept: Sendable {
        var job: StoredJob
        var task: TaskQueryResponse
    }

    /// Now, in epoch milliseconds.
    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// True for the statuses after which nothing changes and results exist or never will.
    static func hasEnded(_ status: TaskStatus) -> Bool {
        status == .succeeded || status == .failed || status == .canceled
    }

    /// Records a task just submitted, with its webhook when it has a callback URL.
    func recordSubmit(
        taskID: String, model: String, label: String?, source: String, status: TaskStatus, callbackURL: String? = nil
    ) async {
        let job = StoredJob(
            taskID: taskID, model: model, label: label, source: source, submittedAt: Self.now(), status: status.rawValue)
        await logging("record the submit of \(taskID)") { () async throws(JobStoreError) in try await store.insert(job) }
        if let callbackURL {
            let webhook = StoredWebhook(taskID: taskID, url: callbackURL)
            await logging("record the webhook of \(taskID)") { () async throws(JobStoreError) in try await store.saveWebhook(webhook) }
        }
    }

    /// The stored job with its webhook (one store read), or nil (also when the store failed: logged).
    func job(_ id: String) async -> StoredJob? {
        await logging("read job \(id)", { () async throws(JobStoreError) in try await store.jobWithWebhook(id) }) ?? nil
    }

    /// Makes the job's webhook due now, once, when the job has just been seen to end.
    private func triggerWebhook(_ job: inout StoredJob, status: TaskStatus) async {
        guard var webhook = job.webhook, webhook.state == "pending", webhook.eventID == nil else { return }
        let now = Self.now()
        let (id, eventID) = (job.taskID, "evt_\(job.taskID)_\(status.rawValue.lowercased())")
        let triggered = await logging("make the webhook of \(id) due") { () async throws(JobStoreError) in
            try await store.triggerWebhook(id, eventID: eventID, now: now)
        }
        guard triggered == true else { return }
        webhook.eventID = eventID
        webhook.nextAttemptAt = now
        webhook.dueSince = now
        job.webhook = webhook
    }

    /// What the store knows of a job, read once per request and handed on to `observe`.
    enum Lookup: Sendable {
        /// Not in the store (submitted elsewhere), or the store failed.
        case unknown
        /// Recorded and still followed: running, or ended without every document kept.
        case following(StoredJob)
        /// Ended with its documents kept: the store answers it alone.
        case kept(Kept)
    }

    /// The job and what the store can do with it (one store read).
    func lookup(_ id: String) async -> Lookup {
        guard let job = await job(id) else { return .unknown }
        guard job.documentsKept, let view = job.upstreamView, let json = JSONValue.parse(view),
              let task = try? TaskQueryResponse(json: json)
        else { return .following(job) }
        return .kept(Kept(job: job, task: task))
    }

    /// The number of result documents a task has: one per succeeded file.
    static func documentCount(_ task: TaskQueryResponse) -> Int {
        (task.output.results ?? []).count { $0.subtaskStatus == .succeeded && $0.transcriptionURL != nil }
    }

    /// Keeps what DashScope said about a job the store knows; when it has ended and `keepDocuments`, downloads and
    /// keeps its result documents (one at a time, each at most `maxDocumentBytes`). Returns the job as now stored,
    /// or nil when the store does not know the task (submitted elsewhere).
    /// `known` is what `lookup` read for this request (nil: read it now); the store is written only when the status
    /// or the view changed (a reused answer, the common case for a polling client, writes nothing).
    @discardableResult
    func observe(
        _ task: TaskQueryResponse, _ call: CallContext, keepDocuments: Bool = true, known: Lookup? = nil
    ) async -> StoredJob? {
        let id = task.output.taskID
        let found: StoredJob?
        switch known {
        case nil: found = await job(id)
        case .unknown?: found = nil
        case .following(let job)?: found = job
        case .kept(let kept)?: found = kept.job
        }
        guard var job = found else { return nil }
        let ended = Self.hasEnded(task.output.taskStatus)
        let view = queries.view(of: task)
        let endedAt = ended ? Self.now() : nil
        if job.status != task.output.taskStatus.rawValue || job.upstreamView != view || (ended && job.endedAt == nil) {
            await logging("update job \(id)") { () async throws(JobStoreError) in
                try await store.update(id, status: task.output.taskStatus.rawValue, upstreamView: view, endedAt: endedAt)
            }
            if ended, job.endedAt == nil { job.endedAt = endedAt }
        }
        job.status = task.output.taskStatus.rawValue
        job.upstreamView = view
        if ended { await triggerWebhook(&job, status: task.output.taskStatus) }
        guard ended, keepDocuments, !job.documentsKept, documentRetries.mayTry(id, now: Self.now()) else { return job }
        for (index, result) in (task.output.results ?? []).enumerated() {
            guard result.subtaskStatus == .succeeded, let url = result.transcriptionURL else { continue }
            let document: [UInt8]
            do {
                document = try await client.resultDocument(url, call, maxBytes: maxDocumentBytes)
            } catch {
                let wait = documentRetries.failed(id, now: Self.now())
                logger.warning("result document not kept; it will be fetched again after the retry wait", metadata: [
                    "task_id": "\(id)", "file": "\(index)", "error": "\(GatewayError.from(error).code)",
                    "retry_after_ms": "\(wait)",
                ])
                return job
            }
            guard await keepDocument(id, file: index, document) else { return job }
        }
        job.documentsKept = await markDocumentsKept(id)
        return job
    }

    /// Marks a job DashScope no longer knows (UNKNOWN) as ended, so the poller stops following it.
    func markForgotten(_ task: TaskQueryResponse) async {
        let id = task.output.taskID
        let view = task.dashScopeJSON.serialized()
        await logging("mark job \(id) forgotten") { () async throws(JobStoreError) in
            try await store.update(id, status: TaskStatus.unknown.rawValue, upstreamView: view, endedAt: Self.now())
        }
    }

    /// Keeps one result document (downloaded by `observe` or the inliner); false when the store failed.
    func keepDocument(_ id: String, file: Int, _ document: [UInt8]) async -> Bool {
        await logging("keep a result document of \(id)") { () async throws(JobStoreError) in
            try await store.saveDocument(id, file: file, document)
        } != nil
    }

    /// Marks every result document of the job kept and forgets its failed downloads; false when the store failed.
    @discardableResult
    func markDocumentsKept(_ id: String) async -> Bool {
        let marked = await logging("mark the documents of \(id) kept") { () async throws(JobStoreError) in
            try await store.markDocumentsKept(id)
        }
        guard marked != nil else { return false }
        documentRetries.succeeded(id)
        return true
    }

    /// A kept result document.
    func document(_ id: String, file: Int) async -> [UInt8]? {
        await logging("read a result document of \(id)") { () async throws(JobStoreError) in
            try await store.document(id, file: file)
        } ?? nil
    }

    /// Runs a store call; a failure is logged and becomes nil.
    @discardableResult
    private func logging<T: Sendable>(
        _ what: String, _ body: () async throws(JobStoreError) -> T
    ) async -> T? {
        let outcome: Result<T, JobStoreError>
        do throws(JobStoreError) {
            outcome = .success(try await body())
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let error):
            logger.error("job store failed", metadata: ["action": "\(what)", "error": "\(error.message)"])
            return nil
        }
    }
}
