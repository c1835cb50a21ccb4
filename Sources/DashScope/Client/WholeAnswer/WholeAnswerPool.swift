import NIOCore

/// The keep-alive channels of one event loop for the NIO whole-answer path: an exchange takes the most recently
/// idle open channel, or opens a new one; a channel comes back after a clean keep-alive answer, up to `maxIdle`
/// (past it, or once shut down, it is closed). Channels idle longer than `idleTimeout` are closed by a sweep that
/// runs only while idle channels exist. Touched only on its loop.
final class WholeAnswerPool: @unchecked Sendable {
    let loop: any EventLoop
    private let connector: WholeAnswerConnector
    private let maxIdle: Int
    private let idleTimeout: TimeAmount
    private var idle: [WholeAnswerHandler] = []
    private var sweep: Scheduled<Void>?
    private let deadlines: WholeAnswerDeadlines
    private var closed = false

    init(loop: any EventLoop, connector: WholeAnswerConnector, maxIdle: Int, idleTimeout: TimeAmount) {
        self.loop = loop
        self.connector = connector
        self.maxIdle = maxIdle
        self.idleTimeout = idleTimeout
        deadlines = WholeAnswerDeadlines(loop: loop)
        idle.reserveCapacity(maxIdle)
    }

    /// Starts an exchange: watches its deadline, then sends it on an idle channel or a new one.
    func start(_ exchange: WholeAnswerExchange) {
        guard !exchange.finished else { return }  // cancelled before it got here
        guard !closed else {
            exchange.finish(.failure(TransportFailure(error: .unreachable("the DashScope client is shut down"), sentNothing: true)))
            return
        }
        deadlines.watch(exchange)
        let now = NIODeadline.now()
        while let handler = idle.popLast() {
            if handler.isIdleAndOpen, now - handler.idleSince < idleTimeout {
                handler.send(exchange)
                return
            }
            handler.drop()
        }
        connect(exchange)
    }

    /// Sends the exchange on a new channel.
    func connect(_ exchange: WholeAnswerExchange) {
        connector.connect(on: loop).whenComplete { result in
            switch result {
            case .success(let handler):
                handler.pool = self
                if exchange.finished {
                    self.release(handler)  // timed out or cancelled while connecting: keep the channel for the next
                } else {
                    handler.send(exchange)
                }
            case .failure(let error):
                exchange.finish(.failure(TransportFailure(error)))
            }
        }
    }

    /// Takes back a channel whose last answer ended cleanly and allows keep-alive.
    func release(_ handler: WholeAnswerHandler) {
        guard !closed, idle.count < maxIdle, handler.isIdleAndOpen else {
            handler.drop()
            return
        }
        handler.idleSince = .now()
        idle.append(handler)
        if sweep == nil {
            sweep = loop.scheduleTask(in: idleTimeout) { self.sweepIdle() }
        }
    }

    /// Forgets a channel that closed (or is being closed) while idle.
    func forget(_ handler: WholeAnswerHandler) {
        if let index = idle.firstIndex(where: { $0 === handler }) { idle.remove(at: index) }
    }

    /// Closes every idle channel; channels in use close after their answer.
    func shutdown() {
        closed = true
        sweep?.cancel()
        sweep = nil
        let channels = idle
        idle = []
        for handler in channels { handler.drop() }
    }

    private func sweepIdle() {
        sweep = nil
        let now = NIODeadline.now()
        let stale = idle.filter { now - $0.idleSince >= idleTimeout }
        for handler in stale { handler.drop() }  // drop() forgets it
        if !idle.isEmpty, !closed {
            sweep = loop.scheduleTask(in: idleTimeout) { self.sweepIdle() }
        }
    }
}
