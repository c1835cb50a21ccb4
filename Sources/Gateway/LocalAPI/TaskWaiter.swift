import DashScope

/// Polls a task with backoff until it is terminal or the wait runs out.
struct TaskWaiter: Sendable {
    let client: DashScopeClient
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
            let task = try await client.task(id, call)
            let remaining = deadline - clock.now
            if task.output.taskStatus.isTerminal || remaining <= .zero { return task }
            try await Task.sleep(for: min(interval, remaining))
            interval = min(interval * 2, maxInterval)
        }
    }
}
