import Synchronization

/// The server's shared state seen from the C callbacks: the handler and the requests in flight.
final class ServerCore: Sendable {
    let handler: any HTTPHandler
    /// The memory all buffered request bodies share.
    let bodyBudget: BodyBudget
    /// Requests in flight past which a new one is refused with 503.
    let requestLimit: Int
    private let active = Mutex<[ObjectIdentifier: RequestContext]>([:])
    /// WebSocket sessions on upgraded connections, to close them at shutdown. They are not counted apart: libmicrohttpd
    /// reports an upgraded request completed only once its socket was given back and closed (measured on 0.9.75), so
    /// its `RequestContext` stays in `active` for the whole session and a drain waits for libmicrohttpd's cleanup too.
    let upgraded = UpgradedConnections()

    init(handler: any HTTPHandler, bodyMemoryLimit: Int, requestLimit: Int = .max) {
        self.handler = handler
        self.bodyBudget = BodyBudget(limit: bodyMemoryLimit)
        self.requestLimit = requestLimit
    }

    /// Registers a new request.
    func begin(head: HTTPRequestHead, connection: MHDConnection, fd: Int32) -> RequestContext {
        let context = RequestContext(head: head, connection: connection, fd: fd, handler: handler, budget: bodyBudget) {
            [weak self] ended in
            self?.end(ended)
        }
        let inFlight = active.withLock { requests in
            requests[ObjectIdentifier(context)] = context
            return requests.count
        }
        if inFlight > requestLimit { context.markOverloaded(limit: requestLimit) }
        return context
    }

    private func end(_ context: RequestContext) {
        active.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(context)) }
    }

    /// Requests begun and not yet completed.
    var activeCount: Int {
        active.withLock { $0.count }
    }

    /// Checks every suspended request for a client that hung up.
    func checkHangUps() {
        for context in active.withLock({ Array($0.values) }) {
            context.checkHangUp()
        }
    }

    /// Ends every request in flight (drain timeout passed): handlers cancelled, streams cut, waiting requests
    /// answered, so every suspended connection is resumed and closes.
    func abortAll() {
        upgraded.closeAll()
        for context in active.withLock({ Array($0.values) }) {
            context.endForShutdown()
        }
    }
}
