import NIOCore

/// The request deadlines of one event loop's exchanges, watched by one timer armed for the earliest of them (not a
/// scheduled task per call: arming and cancelling one per request cost ~6k instructions and three allocations,
/// and every cancel searched the loop's whole timer heap under its lock). An exchange is watched from its start to
/// its finish; when the timer fires it abandons those past their deadline and re-arms for the next. Touched only
/// on its loop.
final class WholeAnswerDeadlines {
    private let loop: any EventLoop
    private var watched: [WholeAnswerExchange] = []
    private var timer: Scheduled<Void>?
    private var armedFor: NIODeadline?

    init(loop: any EventLoop) {
        self.loop = loop
    }

    /// Watches `exchange` until `forget(_:)`; abandons it with `.timeout` once its deadline passes.
    func watch(_ exchange: WholeAnswerExchange) {
        exchange.deadlineSlot = watched.count
        exchange.deadlines = self
        watched.append(exchange)
        if let armedFor, armedFor <= exchange.deadline { return }
        arm(at: exchange.deadline)
    }

    /// Stops watching `exchange` (it finished).
    func forget(_ exchange: WholeAnswerExchange) {
        guard let slot = exchange.deadlineSlot else { return }
        exchange.deadlineSlot = nil
        let last = watched.removeLast()
        if slot < watched.count {
            watched[slot] = last
            last.deadlineSlot = slot
        }
    }

    private func arm(at deadline: NIODeadline) {
        timer?.cancel()
        armedFor = deadline
        timer = loop.scheduleTask(deadline: deadline) { self.fire() }
    }

    private func fire() {
        timer = nil
        armedFor = nil
        let now = loop.now
        // Abandoning finishes the exchange, which forgets it: collect first.
        let expired = watched.filter { $0.deadline <= now }
        for exchange in expired { exchange.abandon(.timeout) }
        if let next = watched.lazy.map(\.deadline).min() { arm(at: next) }
    }
}
