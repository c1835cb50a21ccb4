import FoundationEssentials
import Synchronization

/// The time source of the task lifecycle, injectable so tests never sleep.
public protocol SimulatorClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The wall clock.
public struct SystemSimulatorClock: SimulatorClock {
    /// Creates the wall clock.
    public init() {}
    /// The current wall-clock instant.
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to; thread-safe.
public final class ManualSimulatorClock: SimulatorClock {
    private let current: Mutex<Date>

    /// Creates a clock standing at `start` (default 2025-09-25 01:37:36 UTC+8).
    public init(start: Date = Date(timeIntervalSince1970: 1_758_735_456)) {
        current = Mutex(start)
    }

    /// The instant the clock stands at.
    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward (or back, with a negative duration).
    public func advance(by duration: Duration) {
        current.withLock { $0 = $0.addingTimeInterval(duration.seconds) }
    }

    /// Sets the clock to an instant.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
