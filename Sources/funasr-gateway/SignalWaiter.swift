import Dispatch
import Glibc

/// Waits for SIGTERM or SIGINT without a handler running on the main actor.
enum SignalWaiter {
    /// Suspends until the first termination signal and returns its name.
    static func waitForTermination() async -> String {
        let queue = DispatchQueue(label: "funasr-gateway.signals")
        let (stream, continuation) = AsyncStream<String>.makeStream()
        var sources: [DispatchSourceSignal] = []
        for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            sources.append(source)
        }
        var iterator = stream.makeAsyncIterator()
        let name = await iterator.next() ?? "end"
        sources.forEach { $0.cancel() }
        return name
    }
}
