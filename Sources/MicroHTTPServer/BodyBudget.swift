import Synchronization

/// The bytes every buffered request body together may hold; a request reserves before it reads.
final class BodyBudget: Sendable {
    /// The most bytes reserved at once.
    let limit: Int
    private let reserved = Mutex(0)

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Takes `bytes` from the budget; false (and nothing taken) when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        reserved.withLock { used in
            guard bytes <= limit - used else { return false }
            used += bytes
            return true
        }
    }

    /// Gives back bytes taken by `reserve`.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        reserved.withLock { $0 = max(0, $0 - bytes) }
    }

    /// Bytes reserved now.
    var inUse: Int {
        reserved.withLock { $0 }
    }
}
