import DashScope
import Logging

/// Follows the store's open jobs in the background, so a job ends up with its result documents kept even when no
/// client asks about it, and jobs open at a restart resume. Each round queries every followable job (oldest
/// first, at most `batch`) through the shared, budgeted `TaskQueries`, so the poller never exceeds the query
/// budget and shares queries with waiting clients; a job seen to end has its documents downloaded and kept.
/// Jobs submitted more than 48 hours ago are no longer followed, nor jobs DashScope answers UNKNOWN for (it forgot
/// them: they are marked UNKNOWN, ended, and pruned with the retention).
struct JobPoller: Sendable {
    let keeper: JobKeeper
    let logger: Logger
    /// Pause between rounds (the budget paces the queries inside a round).
    var idle: Duration = .seconds(1)
    /// Most jobs one round follows.
    var batch = 200

    /// Runs until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            await round()
            try? await Task.sleep(for: idle)
        }
    }

    /// One round: queries up to `batch` followable jobs, oldest first, passing by the ended ones still waiting to
    /// download their documents again (they need no query before the wait is over); returns the ids followed.
    @discardableResult
    func round() async -> [String] {
        let since = JobKeeper.now() - 48 * 3_600_000
        let jobs: [StoredJob]
        do throws(JobStoreError) {
            // Read past the waiting jobs, so that old jobs whose documents keep failing cannot crowd newer ones out.
            jobs = try await keeper.store.followable(since: since, limit: batch + keeper.documentRetries.count)
        } catch {
            logger.error("job poller: the store failed", metadata: ["error": "\(error.message)"])
            return []
        }
        var followed: [String] = []
        for job in jobs where !Task.isCancelled && followed.count < batch {
            if job.endedAt != nil, !keeper.documentRetries.mayTry(job.taskID, now: JobKeeper.now()) { continue }
            await follow(job.taskID)
            followed.append(job.taskID)
        }
        return followed
    }

    /// Queries one job and keeps what it says (a failed query is left for the next round).
    func follow(_ id: String) async {
        let call = CallContext()
        let outcome: Result<TaskQueryResponse, DashScopeError>
        do throws(DashScopeError) {
            outcome = .success(try await keeper.queries.task(id, call))
        } catch {
            outcome = .failure(error)
        }
        guard case .success(let task) = outcome else { return }
        if task.output.taskStatus == .unknown {
            await keeper.markForgotten(task)
        } else {
            await keeper.observe(task, call)
        }
    }
}
