import DashScope
import FoundationEssentials
import Logging
import MicroHTTPServer

/// The gateway's HTTP handler: request ids, local auth, routing, the one error mapping, the access log.
final class GatewayHandler: HTTPHandler {
    let router: Router
    let configuration: GatewayConfiguration
    let tokens: TokenVerifier
    let browserGuard: BrowserRequestGuard
    let logger: Logger
    /// The access log: one `request` line per request, its keys in order.
    let accessLog: InfoLines
    let metrics: any ServerMetrics

    init(router: Router, configuration: GatewayConfiguration, logger: Logger, metrics: any ServerMetrics) {
        self.router = router
        self.configuration = configuration
        self.tokens = TokenVerifier(tokens: configuration.tokens)
        self.browserGuard = BrowserRequestGuard(
            tokensEnabled: !configuration.tokens.isEmpty, listensOnLoopback: configuration.listen.isLoopback)
        self.logger = logger
        self.accessLog = InfoLines(logger: logger)
        self.metrics = metrics
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int {
        // No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body, so skip the route match.
        if head.headers["Content-Length"] == nil, head.headers["Transfer-Encoding"] == nil {
            return configuration.jsonBodyLimit
        }
        guard case .found(let route, _) = router.match(method: head.method, path: head.path) else {
            return configuration.jsonBodyLimit
        }
        switch route.bodyLimit {
        case .json: return configuration.jsonBodyLimit
        case .audio: return configuration.audioBodyLimit
        case .files:
            let isFile = BodyLimitClass.carriesFiles(contentType: head.headers["Content-Type"])
            return isFile ? BodyLimitClass.filesLimit : configuration.jsonBodyLimit
        }
    }

    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse {
        refusal(.payloadTooLarge(limit: limit), for: head)
    }

    /// 404/405, 401 and the browser guard's 403, decided from the head before any body byte is read; an admitted
    /// request carries its route to `handle(_:)`, so routing and authentication happen once per request.
    func decide(_ head: HTTPRequestHead) -> HeadDecision {
        switch admit(head) {
        case .refused(let error, let style, let routeName):
            return .answer(answer(error, style: style, head: head, routeName: routeName))
        case .route(let route, let parameters):
            let admitted = AdmittedRoute(route: route, parameters: parameters)
            guard route.streamsBody(head) else { return .proceed(admission: admitted) }
            return .stream(admission: admitted, keepsBody: !route.passesBodyOn(head))
        }
    }

    /// The server's own head-time refusals (framing, size, body memory budget) in the route's error shape.
    func refusal(_ reason: HeadRefusal, for head: HTTPRequestHead) -> HTTPResponse {
        var error: GatewayError
        switch reason {
        case .badFraming(let why):
            error = GatewayError(status: 400, code: "bad_request_framing", message: why)
        case .payloadTooLarge(let limit):
            error = GatewayError(
                status: 413, code: "payload_too_large",
                message: "request body is larger than the \(limit) bytes this route accepts")
        case .busy:
            error = GatewayError(
                status: 503, code: "server_busy",
                message: "too many request bodies are being received at once; retry shortly")
            error.headers = [("Retry-After", "1")]
        case .overloaded(let limit):
            error = GatewayError(
                status: 503, code: "server_busy",
                message: "the gateway is already serving its limit of \(limit) requests at once (--connection-limit); retry shortly")
            error.headers = [("Retry-After", "1")]
        case .requestTimeout:
            error = GatewayError(
                status: 408, code: "request_timeout",
                message: "the request body arrived too slowly (--body-timeout plus its size at --body-min-rate)")
        }
        if case .found(let route, _) = router.match(method: head.method, path: head.path) {
            return answer(error, style: route.errorStyle, head: head, routeName: route.name)
        }
        return answer(error, style: Self.errorStyle(forPath: head.path), head: head, routeName: "-")
    }

    private func answer(_ error: GatewayError, style: ErrorStyle, head: HTTPRequestHead, routeName: String) -> HTTPResponse {
        let requestID = Self.requestID(from: head.headers)
        var response = style.response(for: error, requestID: requestID)
        finish(&response, requestID: requestID)
        let bytes = if case .bytes(let body) = response.body { body.count } else { -1 }
        log(head: head, route: routeName, status: error.status, bytes: bytes, started: .now, trace: RequestTrace(),
            requestID: requestID)
        return response
    }

    private enum Admission {
        case route(Route, [String: String])
        case refused(GatewayError, ErrorStyle, routeName: String)
    }

    /// A route the head was admitted to, with its path parameters.
    private final class AdmittedRoute: Sendable {
        let route: Route
        let parameters: [String: String]

        init(route: Route, parameters: [String: String]) {
            self.route = route
            self.parameters = parameters
        }
    }

    /// Routing, the local token and the browser guard: everything decided from the head alone.
    private func admit(_ head: HTTPRequestHead) -> Admission {
        switch router.match(method: head.method, path: head.path) {
        case .notFound:
            return .refused(
                .notFound("no route for \(head.method) \(head.path)"), Self.errorStyle(forPath: head.path), routeName: "-")
        case .methodNotAllowed(let allowed):
            var error = GatewayError(
                status: 405, code: "method_not_allowed",
                message: "\(head.method) is not allowed on \(head.path); use \(allowed.joined(separator: ", "))")
            error.headers = [("Allow", allowed.joined(separator: ", "))]
            return .refused(error, Self.errorStyle(forPath: head.path), routeName: "-")
        case .found(let route, let parameters):
            guard route.requiresAuth else { return .route(route, parameters) }
            let isWebSocket = head.headers["Upgrade"]?.lowercased() == "websocket"
            if !tokens.accepts(authorization: head.headers["Authorization"]),
               !(isWebSocket && tokens.accepts(webSocketProtocols: head.headers["Sec-WebSocket-Protocol"])) {
                var error = GatewayError(
                    status: 401, code: "unauthorized",
                    message: "missing or unknown local token: send Authorization: Bearer <token>")
                error.headers = [("WWW-Authenticate", "Bearer")]
                return .refused(error, route.errorStyle, routeName: route.name)
            }
            if let error = browserGuard.refusal(for: head.headers) {
                return .refused(error, route.errorStyle, routeName: route.name)
            }
            return .route(route, parameters)
        }
    }

    /// Routes whose answer needs no waiting (`Route.immediate`) are answered here, on the server's thread.
    func answerNow(_ request: HTTPRequest) -> HTTPResponse? {
        guard let admitted = request.admission as? AdmittedRoute, let answer = admitted.route.immediate else { return nil }
        let context = routeContext(request, admitted.parameters)
        let started = ContinuousClock.now
        return answered(Result { try answer(context) }, route: admitted.route, context: context, started: started)
    }

    /// Routes that answer from a callback (`Route.relay`) start here, on the server's thread, without a task.
    func answerLater(_ request: HTTPRequest, reply: @escaping @Sendable (HTTPResponse) -> Void) -> Bool {
        guard let admitted = request.admission as? AdmittedRoute, let relay = admitted.route.relay else { return false }
        let context = routeContext(request, admitted.parameters)
        let started = ContinuousClock.now
        let route = admitted.route
        let finish: @Sendable (Result<HTTPResponse, any Error>) -> Void = { [self] outcome in
            reply(answered(outcome, route: route, context: context, started: started))
        }
        do {
            return try relay(context, finish)
        } catch {
            finish(.failure(error))
            return true
        }
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let started = ContinuousClock.now
        let admission: Admission
        if let admitted = request.admission as? AdmittedRoute {
            admission = .route(admitted.route, admitted.parameters)
        } else {
            admission = admit(request.head)
        }
        switch admission {
        case .refused(let error, let style, let name):
            // Normally answered by decide(_:) before the body; kept so handle() alone is never less strict.
            let requestID = Self.requestID(from: request.head.headers)
            return completed(style.response(for: error, requestID: requestID), head: request.head, routeName: name,
                             started: started, trace: RequestTrace(metrics: metrics), requestID: requestID)
        case .route(let route, let parameters):
            let context = routeContext(request, parameters)
            let outcome: Result<HTTPResponse, any Error>
            do {
                outcome = .success(try await route.handler(context))
            } catch {
                outcome = .failure(error)
            }
            return answered(outcome, route: route, context: context, started: started)
        }
    }

    /// What a route's handler gets for an admitted request: a request id (the client's or a new one) and a trace.
    private func routeContext(_ request: HTTPRequest, _ parameters: [String: String]) -> RouteContext {
        RouteContext(
            request: request, parameters: parameters, requestID: Self.requestID(from: request.head.headers),
            trace: RequestTrace(metrics: metrics))
    }

    /// A route's outcome as sent: a thrown error in the route's error shape, then `completed`.
    private func answered(
        _ outcome: Result<HTTPResponse, any Error>, route: Route, context: RouteContext, started: ContinuousClock.Instant
    ) -> HTTPResponse {
        let response: HTTPResponse
        switch outcome {
        case .success(let answer): response = answer
        case .failure(let error): response = route.errorStyle.response(for: GatewayError.from(error), requestID: context.requestID)
        }
        return completed(response, head: context.request.head, routeName: route.name, started: started,
                         trace: context.trace, requestID: context.requestID)
    }

    /// The gateway's headers on a route's answer, and its access-log line: now for bytes, at the end of the
    /// stream or the WebSocket session otherwise.
    private func completed(
        _ response: HTTPResponse, head: HTTPRequestHead, routeName: String, started: ContinuousClock.Instant,
        trace: RequestTrace, requestID: String
    ) -> HTTPResponse {
        var response = response
        finish(&response, requestID: requestID, trace: trace)
        if case .bytes(let bytes) = response.body {
            log(head: head, route: routeName, status: response.status, bytes: bytes.count,
                started: started, trace: trace, requestID: requestID)
        } else if case .stream(let producer) = response.body {
            let status = response.status
            response.body = .stream { [self] writer in
                await producer(writer)
                log(head: head, route: routeName, status: status, bytes: -1, started: started, trace: trace,
                    requestID: requestID)
            }
        } else if case .webSocket(let limits, let session) = response.body {
            // One access-log line when the WebSocket session ends (status 101, duration = the whole session).
            response.body = .webSocket(limits) { [self] connection in
                await session(connection)
                log(head: head, route: routeName, status: 101, bytes: -1, started: started, trace: trace,
                    requestID: requestID)
            }
        }
        return response
    }

    private func finish(_ response: inout HTTPResponse, requestID: String, trace: RequestTrace? = nil) {
        response.headers.replace("X-Request-Id", requestID)
        if let upstream = trace?.upstreamRequestID, response.headers["X-DashScope-Request-Id"] == nil {
            response.headers.add("X-DashScope-Request-Id", upstream)
        }
        if configuration.simulated {
            response.headers.replace("X-FunASR-Gateway-Mode", "simulated")
        }
    }

    private func log(
        head: HTTPRequestHead, route: String, status: Int, bytes: Int, started: ContinuousClock.Instant,
        trace: RequestTrace, requestID: String
    ) {
        let total = ContinuousClock.now - started
        // In key order (the line lists keys sorted): no dictionary, no sort per request.
        var entries: [MetadataEntry] = []
        entries.reserveCapacity(9)
        if bytes >= 0 { entries.append(MetadataEntry(key: "bytes", value: .string(String(bytes)))) }
        if let upstream = trace.upstreamRequestID {
            entries.append(MetadataEntry(key: "dashscope_request_id", value: .string(upstream)))
        }
        entries.append(MetadataEntry(key: "duration_ms", value: .string(Self.milliseconds(total))))
        entries.append(MetadataEntry(key: "method", value: .string(head.method)))
        entries.append(MetadataEntry(key: "path", value: .string(head.path)))
        entries.append(MetadataEntry(key: "request_id", value: .string(requestID)))
        entries.append(MetadataEntry(key: "route", value: .string(route)))
        entries.append(MetadataEntry(key: "status", value: .string(String(status))))
        entries.append(MetadataEntry(key: "upstream_ms", value: .string(Self.milliseconds(trace.upstreamDuration))))
        accessLog.write("request", entries: entries)
        metrics.requestFinished(route: route, status: status, duration: total, upstream: trace.upstreamDuration)
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        // Integer formatting of "%.3f", digit by digit (String(format:) went through Foundation, and string
        // concatenation cost ~1.5k instructions a value; the access log writes two per request).
        let micros = max(0, seconds * 1_000_000 + (attoseconds + 500_000_000_000) / 1_000_000_000_000)
        var whole = micros / 1000
        var wholeDigits = 1
        while whole >= 10 {
            whole /= 10
            wholeDigits += 1
        }
        return String(unsafeUninitializedCapacity: wholeDigits + 4) { buffer in
            var rest = micros / 1000
            for index in stride(from: wholeDigits - 1, through: 0, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            buffer[wholeDigits] = UInt8(ascii: ".")
            var fraction = micros % 1000
            for index in stride(from: wholeDigits + 3, to: wholeDigits, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            return wholeDigits + 4
        }
    }

    /// The client's `X-Request-Id` when it is a sane token, else a new UUID.
    static func requestID(from headers: HTTPHeaders) -> String {
        if let given = headers["X-Request-Id"], (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        return RequestIDs.next()
    }

    /// The error shape of a path that matched no route.
    static func errorStyle(forPath path: String) -> ErrorStyle {
        if path.hasPrefix("/api/") { return .dashScope }
        if path.hasPrefix("/v1/audio/") || path.hasPrefix("/v1/models") { return .openAI }
        return .local
    }
}
