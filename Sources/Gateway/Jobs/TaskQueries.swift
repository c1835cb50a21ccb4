import DashScope
import Synchronization

/// Every DashScope task query of the gateway goes through here: concurrent queries of one task (waiters, plain
/// GETs, the background poller) share one upstream call, and each upstream call spends a token of the global
/// `QueryBudget`. A 429 slows the budget down; the caller gets the 429 (a waiter pauses and polls again).
final class TaskQueries: Sendable {
    typealias Outcome = Result<TaskQueryResponse, DashScopeError>

    let client: DashScopeClient
    let budget: QueryBudget
    private let inFlight = Mutex<[String: Task<Outcome, Never>]>([:])

    /// Queries through `client` under `budget`.
    init(client: DashScopeClient, budget: QueryBudget) {
        self.client = client
        self.budget = budget
    }

    /// The task's state: the in-flight query of this task when there is one, else a new one (after a token).
    func task(_ id: String, _ call: CallContext) async throws(DashScopeError) -> TaskQueryResponse {
        let shared = inFlight.withLock { running in
            if let query = running[id] { return query }
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
            running[id] = query
            return query
        }
        let outcome = await shared.value
        inFlight.withLock { running in
            // Only the finished query leaves: a newer one may already run for the same task.
            if running[id] == shared { running[id] = nil }
        }
        return try outcome.get()
    }
}
