import ASCIIText
import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Deadlines for upstream calls.
public struct UpstreamTimeouts: Sendable {
    /// Time allowed until the response head of a plain call.
    public var request: Duration
    /// Longest silence allowed inside a streamed body.
    public var streamIdle: Duration
    /// Time allowed to open a connection.
    public var connect: Duration
    /// Time allowed for a temporary upload, from the first byte sent to the storage's answer.
    public var upload: Duration

    /// Creates timeouts.
    public init(
        request: Duration = .seconds(30), streamIdle: Duration = .seconds(60), connect: Duration = .seconds(5),
        upload: Duration = .seconds(900)
    ) {
        self.request = request
        self.streamIdle = streamIdle
        self.connect = connect
        self.upload = upload
    }
}

/// Bytes the gateway reads of one upstream answer, in one place.
enum AnswerCaps {
    /// A whole JSON answer or result document.
    static let whole = 64 << 20
    /// The body of an error answer to a streamed call (only its error JSON or first frame matters).
    static let errorBody = 64 << 10
}

/// The HTTP exchanges under DashScopeClient: small whole answers on a `WholeAnswerTransport` (NIO's codec by
/// default), streams, uploads, result downloads and large request bodies on async-http-client; the key added to
/// API calls, transport errors mapped to `DashScopeError`. Knows nothing of DashScope's paths or bodies.
final class HTTPTransport: Sendable {
    let endpoint: DashScopeEndpoint
    let timeouts: UpstreamTimeouts
    /// `Bearer <key>`, replaceable while requests run (SIGHUP re-reads the key file); built once per key, not per
    /// request, and each request reads it once.
    private let authorization: Mutex<String>
    /// Streamed answers: no read timeout (UpstreamBody bounds each wait for DashScope, so a relay paused by a slow
    /// client is not blamed on DashScope).
    private let http: LazyHTTPClient
    /// Answers read whole: the gateway pulls them without pause, so async-http-client's read timeout is exactly
    /// the time spent waiting for DashScope. UpstreamBody's former per-read race (a task group, a read task and a
    /// timer task for every piece) cost +34k instructions and +22 allocations per proxied task query in `make profile`.
    private let wholeHTTP: LazyHTTPClient
    /// API calls answered whole whose body is small (`wholeBodyCopyLimit`): queries, lists, cancels, submits.
    private let wholeAnswers: any WholeAnswerTransport
    /// The same calls on async-http-client (a large body is sent from the caller's array in pieces).
    private let wholeAnswersOnAHC: AsyncHTTPClientWholeAnswers

    init(endpoint: DashScopeEndpoint, apiKey: APIKey, timeouts: UpstreamTimeouts, wholeAnswers: WholeAnswerPath = .nio) {
        self.endpoint = endpoint
        self.authorization = Mutex(Self.authorization(apiKey))
        self.timeouts = timeouts
        var configuration = HTTPClient.Configuration()
        // No read timeout: it only resets when the socket is read, so it fired while a slow client paused a relay
        // (no pull, no read) and blamed DashScope. UpstreamBody bounds each wait for DashScope itself.
        configuration.timeout = .init(connect: TimeAmount(timeouts.connect), read: nil)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 4096)
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        // No tracer: with the default (swift-distributed-tracing's global, a no-op unless bootstrapped) every call
        // still built a span and its URL attributes, ~4 % of a proxied request in the profile.
        configuration.tracing.tracer = nil
        self.http = LazyHTTPClient(configuration: configuration)
        // The read timeout also runs while the head is awaited, which the request deadline bounds: never shorter.
        configuration.timeout.read = TimeAmount(max(timeouts.streamIdle, timeouts.request))
        self.wholeHTTP = LazyHTTPClient(configuration: configuration)
        self.wholeAnswersOnAHC = AsyncHTTPClientWholeAnswers(client: wholeHTTP, endpoint: endpoint)
        switch wholeAnswers {
        case .nio: self.wholeAnswers = NIOWholeAnswerClient(endpoint: endpoint, connectTimeout: timeouts.connect)
        case .asyncHTTPClient: self.wholeAnswers = wholeAnswersOnAHC
        }
    }

    /// Uses `key` for every request sent from now on (requests in flight keep the one they were sent with).
    func replaceKey(_ key: APIKey) {
        let value = Self.authorization(key)
        authorization.withLock { $0 = value }
    }

    /// The `Authorization` value calls are sent with now (for the live-audio WebSocket, which is not an HTTP call).
    var currentAuthorization: String {
        authorization.withLock { $0 }
    }

    private static func authorization(_ key: APIKey) -> String {
        "Bearer " + key.secret
    }

    /// Closes the connection pools.
    func shutdown() async {
        await wholeAnswers.shutdown()
        await wholeHTTP.shutdown()
        await http.shutdown()
    }

    /// Sends an API call with the key and collects the whole answer (any status).
    func send(_ request: UpstreamRequest, maxBodyBytes: Int = AnswerCaps.whole) async throws(TransportFailure) -> UpstreamResponse {
        try await wholeAnswers(for: request).send(
            request, authorization: authorization.withLock { $0 }, maxBodyBytes: maxBodyBytes, timeout: timeouts.request)
    }

    /// `send` without a task: `completion` gets the outcome once (on the call's event loop on the NIO path).
    func start(
        _ request: UpstreamRequest, maxBodyBytes: Int = AnswerCaps.whole,
        completion: @escaping @Sendable (Result<UpstreamResponse, TransportFailure>) -> Void
    ) {
        wholeAnswers(for: request).start(
            request, authorization: authorization.withLock { $0 }, maxBodyBytes: maxBodyBytes, timeout: timeouts.request,
            completion: completion)
    }

    /// The transport of a whole-answer call: a body too large to copy goes on async-http-client.
    private func wholeAnswers(for request: UpstreamRequest) -> any WholeAnswerTransport {
        (request.body?.count ?? 0) > Self.wholeBodyCopyLimit ? wholeAnswersOnAHC : wholeAnswers
    }

    /// Sends an API call with the key and returns as soon as the head arrives; the body streams.
    func stream(_ request: UpstreamRequest) async throws(TransportFailure) -> UpstreamStream {
        let deadline = NIODeadline.now() + TimeAmount(timeouts.request)
        let response: HTTPClientResponse
        do {
            response = try await http.shared.execute(
                Self.makeRequest(request, endpoint: endpoint, authorization: authorization.withLock { $0 }), deadline: deadline)
        } catch {
            throw TransportFailure(error)
        }
        return UpstreamStream(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: UpstreamBody(response.body, idleTimeout: timeouts.streamIdle))
    }

    /// Fetches a URL without the key (result documents are pre-signed and reject extra auth).
    func fetchUnauthenticated(_ url: String, maxBodyBytes: Int = AnswerCaps.whole) async throws(TransportFailure) -> UpstreamResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        return try await Self.collect(wholeHTTP.shared, request, maxBodyBytes: maxBodyBytes, timeout: timeouts.request)
    }

    /// POSTs a streamed body to a URL without the key (the temporary storage's form upload is signed by its
    /// policy; the key must never reach it) within the upload deadline; the answer is read up to `maxBodyBytes`.
    func postUnauthenticated(
        _ url: String, headers: [(name: String, value: String)], body: HTTPClientRequest.Body, maxBodyBytes: Int
    ) async throws(TransportFailure) -> UpstreamResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for field in headers where field.name.lowercased() != "authorization" {
            request.headers.add(name: field.name, value: field.value)
        }
        request.body = body
        return try await Self.collect(wholeHTTP.shared, request, maxBodyBytes: maxBodyBytes, timeout: timeouts.upload)
    }

    /// Executes a request on `client` within `timeout` and collects the whole answer.
    static func collect(
        _ client: HTTPClient, _ request: HTTPClientRequest, maxBodyBytes: Int, timeout: Duration
    ) async throws(TransportFailure) -> UpstreamResponse {
        let started = ContinuousClock.now
        let deadline = NIODeadline.now() + TimeAmount(timeout)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: deadline)
        } catch {
            throw TransportFailure(error)
        }
        do {
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return UpstreamResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                body: Array(buffer: body), duration: ContinuousClock.now - started)
        } catch {
            throw TransportFailure(error: Self.classify(error), sentNothing: false)
        }
    }

    /// The request for async-http-client, with `Authorization: <authorization>`.
    static func makeRequest(_ request: UpstreamRequest, endpoint: DashScopeEndpoint, authorization: String) -> HTTPClientRequest {
        var out = HTTPClientRequest(url: endpoint.url(path: request.path, query: request.query))
        out.method = HTTPMethod(rawValue: request.method)
        out.headers.reserveCapacity(request.headers.count + 1)
        for field in request.headers where !ASCIICase.equal(field.name, "authorization") {
            out.headers.add(name: field.name, value: field.value)
        }
        out.headers.add(name: "Authorization", value: authorization)
        if let body = request.body {
            // A large body (inline audio) is copied into the channel in ~4 MB pieces as it is sent, not whole first.
            out.body = body.count > Self.wholeBodyCopyLimit ? .bytes(body) : .bytes(ByteBuffer(bytes: body))
        }
        return out
    }

    /// Bodies up to this size are copied into one buffer before sending (one allocation on the hot path).
    static let wholeBodyCopyLimit = 1 << 20

    /// True when the error says no connection was made, so DashScope cannot have received the request.
    static func isConnectFailure(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return true }
        if let client = error as? HTTPClientError, client == .connectTimeout { return true }
        if let io = error as? IOError {
            return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ECONNABORTED].contains(io.errnoCode)
        }
        return false
    }

    /// Maps any error of the HTTP stack to the gateway's upstream error kinds (never its text: it may quote headers).
    static func classify(_ error: any Error) -> DashScopeError {
        if let already = error as? DashScopeError { return already }
        if error is CancellationError { return .cancelled }
        if error is WholeAnswerRequestEncoder.InvalidHead {
            return .unreachable("the request holds a header or target byte HTTP cannot carry; nothing was sent")
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return .timeout }
        if let tls = error as? NIOSSLError, case .handshakeFailed = tls {
            return .unreachable("the TLS handshake with DashScope failed: its certificate is not trusted here")
        }
        if let tls = error as? NIOSSLExtraError, tls == .failedToValidateHostname {
            return .unreachable("the TLS handshake with DashScope failed: its certificate does not name the host")
        }
        if error is NIOSSLError || error is NIOSSLExtraError {
            return .unreachable("the TLS connection to DashScope failed")
        }
        if error is NIOTooManyBytesError {
            return .invalidResponse("DashScope's answer was larger than the gateway accepts")
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return .timeout
            case .cancelled:
                return .cancelled
            default:
                return .unreachable("connection to DashScope failed")
            }
        }
        if Task.isCancelled { return .cancelled }
        return .unreachable("connection to DashScope failed (\(type(of: error)))")
    }
}

extension TimeAmount {
    /// Converts a Swift `Duration` to NIO's nanosecond amount.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// A failed exchange: what it means for the gateway, and whether DashScope can have received any of it (a call
/// that was never sent may be retried whatever it was).
struct TransportFailure: Error, Sendable {
    /// The failure as the gateway reports it.
    let error: DashScopeError
    /// True when no connection was made.
    let sentNothing: Bool

    init(error: DashScopeError, sentNothing: Bool) {
        self.error = error
        self.sentNothing = sentNothing
    }

    /// Classifies an error of the HTTP stack raised before the answer's head.
    init(_ error: any Error) {
        self.init(error: HTTPTransport.classify(error), sentNothing: HTTPTransport.isConnectFailure(error))
    }
}
