/// The SQLite job store's schema as numbered steps: step N brings `PRAGMA user_version` from N-1 to N. Steps are
/// only ever appended; each runs in its own transaction with the version bump, so a crash leaves a whole version.
enum JobStoreSchema {
    /// Step N at index N-1.
    static let steps: [String] = [
        // 1: jobs, their result documents, idempotency keys.
        """
        CREATE TABLE jobs (
            task_id TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            label TEXT,
            source TEXT NOT NULL,
            submitted_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            upstream_view BLOB,
            documents_kept INTEGER NOT NULL DEFAULT 0,
            ended_at INTEGER
        );
        CREATE INDEX jobs_by_submit ON jobs (submitted_at);
        CREATE INDEX jobs_by_end ON jobs (ended_at);
        CREATE TABLE documents (
            task_id TEXT NOT NULL REFERENCES jobs (task_id) ON DELETE CASCADE,
            file_index INTEGER NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (task_id, file_index)
        );
        CREATE TABLE idempotency_keys (
            key TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            status INTEGER,
            body BLOB
        );
        """,
        // 2: webhooks, one per job (older databases simply have none).
        """
        CREATE TABLE webhooks (
            task_id TEXT PRIMARY KEY REFERENCES jobs (task_id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            state TEXT NOT NULL,
            event_id TEXT,
            next_attempt_at INTEGER,
            due_since INTEGER,
            attempts BLOB NOT NULL
        );
        CREATE INDEX webhooks_due ON webhooks (next_attempt_at) WHERE state = 'pending';
        """,
    ]

    /// Applies every step the database has not seen yet; refuses a database from a newer gateway.
    static func migrate(_ database: SQLiteDatabase) throws(SQLiteError) {
        let version = Int(try database.query("PRAGMA user_version").first?.first?.int ?? 0)
        guard version <= steps.count else {
            throw SQLiteError(
                code: 0, message: "schema version \(version) is newer than this gateway's \(steps.count); use a newer gateway")
        }
        for number in (version + 1)...max(version + 1, steps.count) where number <= steps.count {
            try database.execute("BEGIN IMMEDIATE")
            do throws(SQLiteError) {
                try database.execute(steps[number - 1])
                try database.execute("PRAGMA user_version = \(number)")
                try database.execute("COMMIT")
            } catch {
                try? database.execute("ROLLBACK")
                throw error
            }
        }
    }
}
