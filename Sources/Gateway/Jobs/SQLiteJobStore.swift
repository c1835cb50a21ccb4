import Dispatch

/// The job store in an SQLite file: WAL mode, a busy timeout, versioned migrations (`JobStoreSchema`). Every call
/// runs on one dedicated serial queue, never on Swift's cooperative pool: SQLite blocks (disk, locks), and the pool
/// has only as many threads as cores.
public final class SQLiteJobStore: JobStore {
    private let database: SQLiteDatabase
    private let queue = DispatchQueue(label: "funasr-gateway.job-store")

    /// Opens (creating it and its directory's file if needed) and migrates the database at `path`.
    public init(path: String) throws(JobStoreError) {
        do throws(SQLiteError) {
            database = try SQLiteDatabase(path: path)
            try database.setBusyTimeout(milliseconds: 5000)
            try database.query("PRAGMA journal_mode=WAL")
            try database.execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
            try JobStoreSchema.migrate(database)
        } catch {
            throw JobStoreError("job store \(path): \(error.message)")
        }
    }

    /// Runs `body` on the store's queue.
    @discardableResult
    private func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteDatabase) throws(SQLiteError) -> T) async throws(JobStoreError) -> T {
        let database = self.database
        let outcome: Result<T, JobStoreError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(SQLiteError) {
                    continuation.resume(returning: .success(try body(database)))
                } catch {
                    continuation.resume(returning: .failure(JobStoreError("job store: \(error.message)")))
                }
            }
        }
        return try outcome.get()
    }

    private static let columns =
        "task_id, model, label, source, submitted_at, status, upstream_view, documents_kept, ended_at"

    private static func job(_ row: [SQLiteValue]) -> StoredJob {
        StoredJob(
            taskID: row[0].string ?? "", model: row[1].string ?? "", label: row[2].string, source: row[3].string ?? "local",
            submittedAt: row[4].int ?? 0, status: row[5].string ?? "UNKNOWN", upstreamView: row[6].bytes,
            documentsKept: row[7].int == 1, endedAt: row[8].int)
    }

    /// Records a submitted task unless already recorded.
    public func insert(_ job: StoredJob) async throws(JobStoreError) {
        try await run { db throws(SQLiteError) in
            try db.query(
                "INSERT OR IGNORE INTO jobs (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [.text(job.taskID), .text(job.model), job.label.map(SQLiteValue.text) ?? .null, .text(job.source),
                 .integer(job.submittedAt), .text(job.status), job.upstreamView.map(SQLiteValue.blob) ?? .null,
                 .integer(job.documentsKept ? 1 : 0), job.endedAt.map(SQLiteValue.integer) ?? .null])
        }
    }

    /// The job, or nil.
    public func job(_ taskID: String) async throws(JobStoreError) -> StoredJob? {
        try await run { db throws(SQLiteError) in try Self.job(taskID, in: db) }
    }

    /// The job and its webhook in one trip to the store's queue (the protocol's default takes two).
    public func jobWithWebhook(_ taskID: String) async throws(JobStoreError) -> StoredJob? {
        try await run { db throws(SQLiteError) in
            guard var job = try Self.job(taskID, in: db) else { return nil }
            job.webhook = try Self.webhook(taskID, in: db)
            return job
        }
    }

    private static func job(_ taskID: String, in db: SQLiteDatabase) throws(SQLiteError) -> StoredJob? {
        try db.query("SELECT \(columns) FROM jobs WHERE task_id = ?", [.text(taskID)]).first.map(job)
    }

    private static func webhook(_ taskID: String, in db: SQLiteDatabase) throws(SQLiteError) -> StoredWebhook? {
        try db.query("SELECT \(webhookColumns) FROM webhooks WHERE task_id = ?", [.text(taskID)]).first.map(webhook)
    }

    /// Keeps the latest status and view.
    public func update(_ taskID: String, status: String, upstreamView: [UInt8], endedAt: Int64?) async throws(JobStoreError) {
        try await run { db throws(SQLiteError) in
            try db.query(
                "UPDATE jobs SET status = ?, upstream_view = ?, ended_at = COALESCE(ended_at, ?) WHERE task_id = ?",
                [.text(status), .blob(upstreamView), endedAt.map(SQLiteValue.integer) ?? .null, .text(taskID)])
        }
    }

    /// Keeps one result document.
    public func saveDocument(_ taskID: String, file: Int, _ document: [UInt8]) async throws(JobStoreError) {
        try await run { db throws(SQLiteError) in
            try db.query(
                "INSERT OR REPLACE INTO documents (task_id, file_index, body) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE task_id = ?)",
                [.text(taskID), .integer(Int64(file)), .blob(document), .text(taskID)])
        }
    }

    /// Marks the documents kept.
    public func markDocumentsKept(_ taskID: String) async throws(JobStoreError) {
        try await run { db throws(SQLiteError) in
            try db.query("UPDATE jobs SET documents_kept = 1 WHERE task_id = ?", [.text(taskID)])
        }
    }

    /// One kept document.
    public func document(_ taskID: String, file: Int) async throws(JobStoreError) -> [UInt8]? {
        try await run { db throws(SQLiteError) in
            try db.query("SELECT body FROM documents WHERE task_id = ? AND file_index = ?", [.text(taskID), .integer(Int64(file))])
                .first?.first?.bytes
        }
    }

    /// Forgets a job (its documents go with it: ON DELETE CASCADE).
    public func delete(_ taskID: String) async throws(JobStoreError) -> Bool {
        try await run { db throws(SQLiteError) in
            try db.query("DELETE FROM jobs WHERE task_id = ?", [.text(taskID)])
            return db.changes > 0
        }
    }

    /// Matching jobs, newest first.
    public func list(_ filter: JobFilter) async throws(JobStoreError) -> [StoredJob] {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        if let status = filter.status { conditions.append("status = ?"); values.append(.text(status)) }
        if let model = filter.model { conditions.append("model = ?"); values.append(.text(model)) }
        if let label = filter.label { conditions.append("label = ?"); values.append(.text(label)) }
        if let since = filter.since { conditions.append("submitted_at >= ?"); values.append(.integer(since)) }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        values += [.integer(Int64(filter.limit)), .integer(Int64(filter.offset))]
        let sql = "SELECT \(Self.columns) FROM jobs\(whereClause) ORDER BY submitted_at DESC, task_id DESC LIMIT ? OFFSET ?"
        return try await run { [values] db throws(SQLiteError) in try db.query(sql, values).map(Self.job) }
    }

    /// Jobs without kept documents, oldest first.
    public func followable(since: Int64, limit: Int) async throws(JobStoreError) -> [StoredJob] {
        try await run { db throws(SQLiteError) in
            try db.query(
                "SELECT \(Self.columns) FROM jobs WHERE documents_kept = 0 AND submitted_at >= ? AND status != 'UNKNOWN' ORDER BY submitted_at, task_id LIMIT ?",
                [.integer(since), .integer(Int64(limit))]
            ).map(Self.job)
        }
    }

    /// Forgets old finished jobs and old keys.
    public func prune(before cutoff: Int64) async throws(JobStoreError) -> Int {
        try await run { db throws(SQLiteError) in
            try db.query("DELETE FROM jobs WHERE ended_at IS NOT NULL AND ended_at < ?", [.integer(cutoff)])
            let removed = db.changes
            try db.query("DELETE FROM idempotency_keys WHERE created_at < ?", [.integer(cutoff)])
            return removed
        }
    }

    /// Looks up or takes a key (one INSERT OR IGNORE, so two requests never both get `.reserved`).
    public func reserveKey(_ key: String, fingerprint: String, now: Int64) async throws(JobStoreError) -> IdempotencyReservation {
        try await run { db throws(SQLiteError) in
            try db.query(
                "INSERT OR IGNORE INTO idempotency_keys (key, fingerprint, created_at) VALUES (?, ?, ?)",
                [.text(key), .text(fingerprint), .integer(now)])
            if db.changes == 1 { return .reserved }
            guard let row = try db.query(
                "SELECT fingerprint, status, body FROM idempotency_keys WHERE key = ?", [.text(key)]).first
            else { return .inProgress }
            guard row[0].string == fingerprint else { return .mismatch }
            guard let status = row[1].int else { return .inProgress }
            return .completed(status: Int(status), body: row[2].bytes ?? [])
        }
    }

    /// Stores the answer for a key.
    public func completeKey(_ key: String, status: Int, body: [UInt8]) async throws(JobStoreError) {
        try await run { db throws(SQLiteError) in
            try db.query("UPDATE idempotency_keys SET status = ?, body = ? WHERE key = ?",
                         [.integer(Int64(status)), .blob(body), .text(key)])
        }
    }

    /// Gives a key back.
    public func releaseKey(_ key: String) async throws(JobStoreError) {
        try await run { db throws(SQLiteError) in
            try db.query("DELETE FROM idempotency_keys WHERE key = ? AND status IS NULL", [.text(key)])
        }
    }

    private static let webhookColumns = "task_id, url, state, event_id, next_attempt_at, due_since, attempts"

    private static func webhook(_ row: [SQLiteValue]) -> StoredWebhook {
        StoredWebhook(
            taskID: row[0].string ?? "", url: row[1].string ?? "", state: row[2].string ?? "pending", eventID: row[3].string,
            nextAttemptAt: row[4].int, dueSince: row[5].int, attempts: row[6].bytes ?? Array("[]".utf8))
    }

    /// Creates or replaces a job's webhook (only for a known job).
    public func saveWebhook(_ webhook: StoredWebhook) async throws(JobStoreError) {
        try await run { db throws(SQLiteError) in
            try db.query(
                "INSERT OR REPLACE INTO webhooks (\(Self.webhookColumns)) SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE task_id = ?)",
                [.text(webhook.taskID), .text(webhook.url), .text(webhook.state), webhook.eventID.map(SQLiteValue.text) ?? .null,
                 webhook.nextAttemptAt.map(SQLiteValue.integer) ?? .null, webhook.dueSince.map(SQLiteValue.integer) ?? .null,
                 .blob(webhook.attempts), .text(webhook.taskID)])
        }
    }

    /// The job's webhook, or nil.
    public func webhook(_ taskID: String) async throws(JobStoreError) -> StoredWebhook? {
        try await run { db throws(SQLiteError) in try Self.webhook(taskID, in: db) }
    }

    /// Makes the webhook due once (the `event_id IS NULL` condition makes a second trigger a no-op).
    public func triggerWebhook(_ taskID: String, eventID: String, now: Int64) async throws(JobStoreError) -> Bool {
        try await run { db throws(SQLiteError) in
            try db.query(
                "UPDATE webhooks SET event_id = ?, next_attempt_at = ?, due_since = ? WHERE task_id = ? AND event_id IS NULL",
                [.text(eventID), .integer(now), .integer(now), .text(taskID)])
            return db.changes > 0
        }
    }

    /// Due pending webhooks, soonest first.
    public func dueWebhooks(now: Int64, limit: Int) async throws(JobStoreError) -> [StoredWebhook] {
        try await run { db throws(SQLiteError) in
            try db.query(
                "SELECT \(Self.webhookColumns) FROM webhooks WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, task_id LIMIT ?",
                [.integer(now), .integer(Int64(limit))]
            ).map(Self.webhook)
        }
    }
}
