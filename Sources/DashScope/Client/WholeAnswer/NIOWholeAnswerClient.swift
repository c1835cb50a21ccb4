import ASCIIText
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Small whole-answer calls on swift-nio's own HTTP/1.1 codec over pooled keep-alive channels, one small pool per
/// event loop: the call is queued on a loop, written, answered and completed there, with one timer for its
/// deadline. async-http-client's per-request machinery (transaction state machines, pool manager, request
/// validation) cost about half the client's instructions per call in `make profile`.
final class NIOWholeAnswerClient: WholeAnswerTransport {
    private let group: MultiThreadedEventLoopGroup
    private let pools: [ObjectIdentifier: WholeAnswerPool]
    /// `Host` as sent: `host[:port]`.
    private let hostHeader: String

    /// Idle channels kept per loop; more open at once are closed after their answer. 32 made 64 clients polling at
    /// once (two loops) open and close ~4 connections per 100 calls, and those connects were wrk's p99 (9-10 ms
    /// against 5.5-6.5 at 64); nginx's bench proxy keeps 64 per worker too.
    static let maxIdlePerLoop = 64
    /// Idle channels older than this are closed (servers close idle keep-alive connections too).
    static let idleTimeout = TimeAmount.seconds(30)

    /// A client of `endpoint` with a pool on each of `group`'s loops; `tlsConfiguration` replaces the system trust
    /// store for `https`.
    init(
        endpoint: DashScopeEndpoint, connectTimeout: Duration, group: MultiThreadedEventLoopGroup = .singleton,
        tlsConfiguration: TLSConfiguration? = nil
    ) {
        self.group = group
        self.hostHeader = endpoint.port.map { "\(endpoint.host):\($0)" } ?? endpoint.host
        let connector = WholeAnswerConnector(
            endpoint: endpoint, connectTimeout: TimeAmount(connectTimeout), tlsConfiguration: tlsConfiguration)
        var pools: [ObjectIdentifier: WholeAnswerPool] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = WholeAnswerPool(
                loop: loop, connector: connector, maxIdle: Self.maxIdlePerLoop, idleTimeout: Self.idleTimeout)
        }
        self.pools = pools
    }

    func send(
        _ request: UpstreamRequest, authorization: String, maxBodyBytes: Int, timeout: Duration
    ) async throws(TransportFailure) -> UpstreamResponse {
        let started = ContinuousClock.now
        let (exchange, loop) = try queued(request, authorization: authorization, maxBodyBytes: maxBodyBytes, timeout: timeout).get()
        let answer: WholeAnswer
        do {
            answer = try await withTaskCancellationHandler {
                try await exchange.promise.futureResult.get()
            } onCancel: {
                loop.execute { exchange.abandon(.cancelled) }
            }
        } catch {
            throw Self.failure(error)
        }
        return Self.response(answer, started: started)
    }

    /// Completes on the call's event loop: no task, no hop back to the cooperative pool.
    func start(
        _ request: UpstreamRequest, authorization: String, maxBodyBytes: Int, timeout: Duration,
        completion: @escaping @Sendable (Result<UpstreamResponse, TransportFailure>) -> Void
    ) {
        let started = ContinuousClock.now
        switch queued(request, authorization: authorization, maxBodyBytes: maxBodyBytes, timeout: timeout) {
        case .failure(let failure):
            completion(.failure(failure))
        case .success(let (exchange, _)):
            exchange.promise.futureResult.whenComplete { outcome in
                completion(outcome.map { Self.response($0, started: started) }.mapError(Self.failure))
            }
        }
    }

    /// The call made an exchange and queued on an event loop's pool.
    private func queued(
        _ request: UpstreamRequest, authorization: String, maxBodyBytes: Int, timeout: Duration
    ) -> Result<(WholeAnswerExchange, any EventLoop), TransportFailure> {
        let loop = group.any()
        guard let pool = pools[ObjectIdentifier(loop)] else {
            return .failure(TransportFailure(error: .unreachable("no event loop for the DashScope client"), sentNothing: true))
        }
        let exchange = WholeAnswerExchange(
            head: head(request, authorization: authorization), body: request.body.map { ByteBuffer(bytes: $0) },
            maxBodyBytes: maxBodyBytes, deadline: .now() + TimeAmount(timeout), promise: loop.makePromise())
        if loop.inEventLoop {
            pool.start(exchange)
        } else {
            loop.execute { pool.start(exchange) }
        }
        return .success((exchange, loop))
    }

    private static func failure(_ error: any Error) -> TransportFailure {
        (error as? TransportFailure) ?? TransportFailure(error)
    }

    private static func response(_ answer: WholeAnswer, started: ContinuousClock.Instant) -> UpstreamResponse {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(answer.head.headers.count)
        for field in answer.head.headers { headers.append((field.name, field.value)) }
        return UpstreamResponse(
            status: Int(answer.head.status.code), headers: headers, body: Array(buffer: answer.body),
            duration: ContinuousClock.now - started)
    }

    func shutdown() async {
        for pool in pools.values {
            try? await pool.loop.submit { pool.shutdown() }.get()
        }
    }

    /// The request head: the caller's headers but the ones this client sets itself (`Host`, `Authorization`,
    /// framing and `Connection`), then those.
    private func head(_ request: UpstreamRequest, authorization: String) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headers.count + 3)
        headers.add(name: "Host", value: hostHeader)
        for field in request.headers where !Self.isOwnHeader(field.name) {
            headers.add(name: field.name, value: field.value)
        }
        headers.add(name: "Authorization", value: authorization)
        let method = HTTPMethod(rawValue: request.method)
        if let body = request.body {
            headers.add(name: "Content-Length", value: String(body.count))
        } else if method == .POST || method == .PUT || method == .PATCH {
            headers.add(name: "Content-Length", value: "0")
        }
        return HTTPRequestHead(version: .http1_1, method: method, uri: DashScopeEndpoint.target(path: request.path, query: request.query), headers: headers)
    }

    private static func isOwnHeader(_ name: String) -> Bool {
        ASCIICase.equal(name, "authorization") || ASCIICase.equal(name, "host") || ASCIICase.equal(name, "content-length")
            || ASCIICase.equal(name, "transfer-encoding") || ASCIICase.equal(name, "connection")
    }
}
