import Dispatch
import Glibc
import Synchronization

/// Watches SIGTERM and SIGINT without a handler running on the main actor: the first one ends `first()`, a later
/// one (an impatient operator during the drain) exits the process at once with status 128 + the signal number.
final class SignalWaiter {
    private let sources: [any DispatchSourceSignal]
    private let stream: AsyncStream<String>

    /// Installs the watchers; `onRepeat` runs (on the signal queue) with a repeated signal's name just before the
    /// process exits.
    init(onRepeat: @escaping @Sendable (String) -> Void = { _ in }) {
        let queue = DispatchQueue(label: "funasr-gateway.signals")
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let received = SignalCount()
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if received.increment() == 1 {
                    continuation.yield(name)
                } else {
                    onRepeat(name)
                    _exit(128 + number)
                }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
        self.stream = stream
    }

    /// Suspends until the first termination signal and returns its name; the watchers stay installed.
    func first() async -> String {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next() ?? "end"
    }

    /// Suspends until SIGTERM or SIGINT, then returns its name (for commands without a drain).
    static func waitForTermination() async -> String {
        await SignalWaiter().first()
    }

    deinit {
        sources.forEach { $0.cancel() }
    }
}

/// How many termination signals arrived.
private final class SignalCount: Sendable {
    private let count = Atomic(0)

    /// Counts one more and returns the new total.
    func increment() -> Int {
        count.add(1, ordering: .relaxed).newValue
    }
}
