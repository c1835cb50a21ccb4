import DashScope
import JSON
import Synchronization

/// Every DashScope task query of the gateway goes through here: concurrent queries of one task (waiters, plain
/// GETs, the background poller) share one upstream call, an answer that arrived less than `reuseWindow` ago is
/// answered again instead of asking DashScope, and each upstream call spends a token of the global `QueryBudget`.
/// A 429 slows the budget down; the caller gets the 429 (a waiter pauses and polls again). Only successful answers
/// are reused: after an error the next caller asks again. What the routes derive from a kept answer (the job
/// store's view, the local API's rendering) is kept beside it, so a reused answer is not serialized or rendered again.
final class TaskQueries: Sendable {
    typealias Outcome = Result<TaskQueryResponse, DashScopeError>

    private struct Recent {
        var answer: TaskQueryResponse
        var at: ContinuousClock.Instant
        /// The answer's DashScope JSON serialized (as the job store keeps it), once `view(of:)` was asked for it.
        var view: [UInt8]?
        /// The answer in the local API's shape, once `rendered(of:)` was asked for it.
        var rendered: JSONValue?
    }

    private struct State {
        var inFlight: [String: Task<Outcome, Never>] = [:]
        var recent: [String: Recent] = [:]
    }

    /// Most recent answers remembered at once; past it the expired ones go, then all.
    static let recentLimit = 4096

    let client: DashScopeClient
    let budget: QueryBudget
    /// How long a task's answer is reused: a client polling one task in a tight loop costs DashScope at most one
    /// query per window instead of being slowed to the global budget. Zero asks DashScope every time.
    let reuseWindow: Duration
    private let state = Mutex(State())

    /// Queries through `client` under `budget`, reusing an answer for `reuseWindow`.
    init(client: DashScopeClient, budget: QueryBudget, reuseWindow: Duration = .zero) {
        self.client = client
        self.budget = budget
        self.reuseWindow = reuseWindow
    }

    /// The task's state: a fresh enough answer, else the in-flight query of this task, else a new one (after a token).
    func task(_ id: String, _ call: CallContext) async throws(DashScopeError) -> TaskQueryResponse {
        let shared: Task<Outcome, Never>
        switch query(id, call, now: .now) {
        case .reused(let answer): return answer
        case .query(let task): shared = task
        }
        let outcome = await shared.value
        let finished = ContinuousClock.now
        state.withLock { state in
            // Only the finished query leaves: a newer one may already run for the same task.
            if state.inFlight[id] == shared { state.inFlight[id] = nil }
            guard reuseWindow > .zero, case .success(let answer) = outcome else { return }
            if state.recent.count >= Self.recentLimit { Self.prune(&state.recent, now: finished, window: reuseWindow) }
            state.recent[id] = Recent(answer: answer, at: finished)
        }
        return try outcome.get()
    }

    /// The answer's DashScope JSON, serialized as the job store keeps it; once per kept answer.
    func view(of task: TaskQueryResponse) -> [UInt8] {
        derived(\.view, of: task) { $0.dashScopeJSON.serialized() }
    }

    /// The answer in the local API's shape (`TaskView`); once per kept answer.
    func rendered(of task: TaskQueryResponse) -> JSONValue {
        derived(\.rendered, of: task) { TaskView.render($0) }
    }

    /// What `make` derives from the answer, made once per kept answer: polls answered from a reused answer (the
    /// common case for a polling client) get it without the work. Any other answer gets it made for itself.
    private func derived<T: Sendable>(
        _ slot: WritableKeyPath<Recent, T?> & Sendable, of task: TaskQueryResponse, _ make: (TaskQueryResponse) -> T
    ) -> T {
        let id = task.output.taskID
        let kept: T? = state.withLock { state in
            guard let recent = state.recent[id], recent.answer == task else { return nil }
            return recent[keyPath: slot]
        }
        if let kept { return kept }
        let made = make(task)
        state.withLock { state in
            if state.recent[id]?.answer == task { state.recent[id]?[keyPath: slot] = made }
        }
        return made
    }

    private enum Lookup {
        case reused(TaskQueryResponse)
        case query(Task<Outcome, Never>)
    }

    private func query(_ id: String, _ call: CallContext, now: ContinuousClock.Instant) -> Lookup {
        state.withLock { state in
            if let recent = state.recent[id], now - recent.at < reuseWindow { return .reused(recent.answer) }
            if let running = state.inFlight[id] { return .query(running) }
            let query = Task { [client, budget] () async -> Outcome in
                if (try? await budget.acquire()) == nil { return .failure(.cancelled) }
                let outcome: Outcome
                do throws(DashScopeError) {
                    outcome = .success(try await client.task(id, call))
                } catch {
                    outcome = .failure(error)
                }
                if case .failure(let error) = outcome, TaskWaiter.isThrottling(error) {
                    budget.throttled(retryAfter: TaskWaiter.retryAfter(error))
                }
                return outcome
            }
            state.inFlight[id] = query
            return .query(query)
        }
    }

    private static func prune(_ recent: inout [String: Recent], now: ContinuousClock.Instant, window: Duration) {
        recent = recent.filter { now - $0.value.at < window }
        if recent.count >= recentLimit { recent.removeAll(keepingCapacity: true) }
    }
}
