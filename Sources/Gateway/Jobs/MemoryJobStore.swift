import Synchronization

/// A job store in memory (`--store memory`): the same behaviour as the SQLite store, lost at exit.
public final class MemoryJobStore: JobStore {
    private struct State {
        var jobs: [String: StoredJob] = [:]
        var documents: [String: [Int: [UInt8]]] = [:]
        var keys: [String: (fingerprint: String, createdAt: Int64, answer: (status: Int, body: [UInt8])?)] = [:]
        var webhooks: [String: StoredWebhook] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty store.
    public init() {}

    /// Records a submitted task unless already recorded.
    public func insert(_ job: StoredJob) throws(JobStoreError) {
        state.withLock { if $0.jobs[job.taskID] == nil { $0.jobs[job.taskID] = job } }
    }

    /// The job, or nil.
    public func job(_ taskID: String) throws(JobStoreError) -> StoredJob? {
        state.withLock { $0.jobs[taskID] }
    }

    /// Keeps the latest status and view.
    public func update(_ taskID: String, status: String, upstreamView: [UInt8], endedAt: Int64?) throws(JobStoreError) {
        state.withLock { state in
            guard var job = state.jobs[taskID] else { return }
            job.status = status
            job.upstreamView = upstreamView
            job.endedAt = job.endedAt ?? endedAt
            state.jobs[taskID] = job
        }
    }

    /// Keeps one result document.
    public func saveDocument(_ taskID: String, file: Int, _ document: [UInt8]) throws(JobStoreError) {
        state.withLock { if $0.jobs[taskID] != nil { $0.documents[taskID, default: [:]][file] = document } }
    }

    /// Marks the documents kept.
    public func markDocumentsKept(_ taskID: String) throws(JobStoreError) {
        state.withLock { $0.jobs[taskID]?.documentsKept = true }
    }

    /// One kept document.
    public func document(_ taskID: String, file: Int) throws(JobStoreError) -> [UInt8]? {
        state.withLock { $0.documents[taskID]?[file] }
    }

    /// Forgets a job.
    public func delete(_ taskID: String) throws(JobStoreError) -> Bool {
        state.withLock { state in
            state.documents[taskID] = nil
            state.webhooks[taskID] = nil
            return state.jobs.removeValue(forKey: taskID) != nil
        }
    }

    /// Matching jobs, newest first.
    public func list(_ filter: JobFilter) throws(JobStoreError) -> [StoredJob] {
        let all = state.withLock { Array($0.jobs.values) }
        let matching = all.filter { job in
            (filter.status.map { $0 == job.status } ?? true) && (filter.model.map { $0 == job.model } ?? true)
                && (filter.label.map { $0 == job.label } ?? true) && (filter.since.map { job.submittedAt >= $0 } ?? true)
        }
        let sorted = matching.sorted { ($0.submittedAt, $0.taskID) > ($1.submittedAt, $1.taskID) }
        return Array(sorted.dropFirst(filter.offset).prefix(filter.limit))
    }

    /// Jobs without kept documents, oldest first.
    public func followable(since: Int64, limit: Int) throws(JobStoreError) -> [StoredJob] {
        let open = state.withLock { $0.jobs.values.filter { !$0.documentsKept && $0.submittedAt >= since && $0.status != "UNKNOWN" } }
        return Array(open.sorted { ($0.submittedAt, $0.taskID) < ($1.submittedAt, $1.taskID) }.prefix(limit))
    }

    /// Forgets old finished jobs and old keys.
    public func prune(before cutoff: Int64) throws(JobStoreError) -> Int {
        state.withLock { state in
            let old = state.jobs.values.filter { ($0.endedAt ?? Int64.max) < cutoff }.map(\.taskID)
            for id in old {
                state.jobs[id] = nil
                state.documents[id] = nil
                state.webhooks[id] = nil
            }
            state.keys = state.keys.filter { $0.value.createdAt >= cutoff }
            return old.count
        }
    }

    /// Looks up or takes a key.
    public func reserveKey(_ key: String, fingerprint: String, now: Int64) throws(JobStoreError) -> IdempotencyReservation {
        state.withLock { state in
            guard let entry = state.keys[key] else {
                state.keys[key] = (fingerprint, now, nil)
                return .reserved
            }
            guard entry.fingerprint == fingerprint else { return .mismatch }
            guard let answer = entry.answer else { return .inProgress }
            return .completed(status: answer.status, body: answer.body)
        }
    }

    /// Stores the answer for a key.
    public func completeKey(_ key: String, status: Int, body: [UInt8]) throws(JobStoreError) {
        state.withLock { $0.keys[key]?.answer = (status, body) }
    }

    /// Gives a key back.
    public func releaseKey(_ key: String) throws(JobStoreError) {
        state.withLock { if $0.keys[key]?.answer == nil { $0.keys[key] = nil } }
    }

    /// Creates or replaces a job's webhook.
    public func saveWebhook(_ webhook: StoredWebhook) throws(JobStoreError) {
        state.withLock { if $0.jobs[webhook.taskID] != nil { $0.webhooks[webhook.taskID] = webhook } }
    }

    /// The job's webhook, or nil.
    public func webhook(_ taskID: String) throws(JobStoreError) -> StoredWebhook? {
        state.withLock { $0.webhooks[taskID] }
    }

    /// Makes the webhook due once.
    public func triggerWebhook(_ taskID: String, eventID: String, now: Int64) throws(JobStoreError) -> Bool {
        state.withLock { state in
            guard var webhook = state.webhooks[taskID], webhook.eventID == nil else { return false }
            webhook.eventID = eventID
            webhook.nextAttemptAt = now
            webhook.dueSince = now
            state.webhooks[taskID] = webhook
            return true
        }
    }

    /// Due pending webhooks, soonest first.
    public func dueWebhooks(now: Int64, limit: Int) throws(JobStoreError) -> [StoredWebhook] {
        let due = state.withLock { $0.webhooks.values.filter { $0.state == "pending" && ($0.nextAttemptAt ?? .max) <= now } }
        return Array(due.sorted { ($0.nextAttemptAt ?? 0, $0.taskID) < ($1.nextAttemptAt ?? 0, $1.taskID) }.prefix(limit))
    }
}
