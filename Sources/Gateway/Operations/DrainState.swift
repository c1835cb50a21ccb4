import Synchronization

/// Set once shutdown begins, so `/readyz` turns 503 while the listener still accepts connections.
final class DrainState: Sendable {
    private let draining = Atomic(false)

    /// Marks the gateway as shutting down (idempotent).
    func begin() {
        draining.store(true, ordering: .releasing)
    }

    /// True from the first termination signal on.
    var isDraining: Bool {
        draining.load(ordering: .acquiring)
    }
}
