import Synchronization

/// Bounds the `?wait=` long polls held at once; a request that finds no free slot answers without waiting.
final class WaitSlots: Sendable {
    /// The most waits held at once.
    let limit: Int
    private let held = Mutex(0)

    /// Creates the slots; `limit` 0 means no request ever waits.
    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Takes a slot if one is free.
    func acquire() -> Bool {
        held.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    /// Gives back a slot taken with `acquire()`.
    func release() {
        held.withLock { $0 -= 1 }
    }

    /// Waits held now.
    var inUse: Int { held.withLock { $0 } }
}
