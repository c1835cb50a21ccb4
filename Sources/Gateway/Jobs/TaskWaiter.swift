import DashScope

/// Polls a task with backoff until it is terminal or the wait runs out.
///
/// DashScope's throttling (429, `Throttling*`) does not end a wait: the waiter pauses (Retry-After when DashScope
/// sent one, else its backoff, never past the deadline) and polls again; only a failure of the last poll is
/// returned.
struct TaskWaiter: Sendable {
    /// The shared, budgeted task queries.
    let queries: TaskQueries
    /// First pause between polls; doubled each time up to `maxInterval`.
    var firstInterval: Duration = .milliseconds(250)
    /// Longest pause between polls (DashScope rate-limits task queries).
    var maxInterval: Duration = .seconds(4)

    /// The task's latest state: terminal, or whatever it is when `seconds` have passed.
    func wait(for id: String, seconds: Int, _ call: CallContext) async throws -> TaskQueryResponse {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(seconds))
        var interval = firstInterval
        while true {
            // A Result rather than a pattern catch of the typed error (Swift 6.3 crashes on that in async code).
            let outcome: Result<TaskQueryResponse, DashScopeError>
            do throws(DashScopeError) {
                outcome = .success(try await queries.task(id, call))
            } catch {
                outcome = .failure(error)
            }
            let remaining = deadline - clock.now
            let pause: Duration
            switch outcome {
            case .success(let task):
                if task.output.taskStatus.isTerminal || remaining <= .zero { return task }
                pause = interval
            case .failure(let error):
                guard remaining > .zero, Self.isThrottling(error) else { throw error }
                pause = Self.retryAfter(error) ?? interval
            }
            try await Task.sleep(for: min(pause, remaining))
            interval = min(interval * 2, maxInterval)
        }
    }

    /// True for DashScope's throttling answer (429, `Throttling*`).
    static func isThrottling(_ error: DashScopeError) -> Bool {
        guard case .api(let answer) = error else { return false }
        return answer.status == 429 || answer.code.hasPrefix("Throttling")
    }

    /// The Retry-After of an error answer (read as the client's retries read it).
    static func retryAfter(_ error: DashScopeError) -> Duration? {
        guard case .api(let answer) = error else { return nil }
        return answer.retryAfter.flatMap(RetryPolicy.retryAfter)
    }
}
