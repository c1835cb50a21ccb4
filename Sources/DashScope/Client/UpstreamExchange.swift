import ASCIIText
import JSON
import AsyncHTTPClient
import NIOCore

/// One request to DashScope, before the key is added.
public struct UpstreamRequest: Sendable {
    /// `GET`, `POST`, …
    public var method: String
    /// The API path, e.g. `/api/v1/tasks/abc`.
    public var path: String
    /// Query arguments, percent-encoded when sent.
    public var query: [(name: String, value: String)]
    /// Extra headers (`X-DashScope-*`, `Content-Type`, `X-Request-Id`); never `Authorization`.
    public var headers: [(name: String, value: String)]
    /// The body, when there is one.
    public var body: [UInt8]?

    /// Creates a request.
    public init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// A JSON POST.
    public static func json(_ path: String, body: [UInt8], headers: [(name: String, value: String)] = []) -> UpstreamRequest {
        UpstreamRequest(method: "POST", path: path, headers: [("Content-Type", "application/json")] + headers, body: body)
    }
}

/// A complete DashScope answer.
public struct UpstreamResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The response headers.
    public var headers: [(name: String, value: String)]
    /// The whole body.
    public var body: [UInt8]
    /// How long the exchange took.
    public var duration: Duration

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], duration: Duration) {
        self.status = status
        self.headers = headers
        self.body = body
        self.duration = duration
    }

    /// The first header value of that name, case-insensitive.
    public func header(_ name: String) -> String? {
        headers.first { ASCIICase.sameName($0.name, name) }?.value
    }

    /// DashScope's request id: the `x-request-id` header (cheap), else the body's `request_id`.
    public var requestID: String? {
        header("x-request-id") ?? JSONValue.parse(body)?["request_id"]?.stringValue
    }

    /// True for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The error this answer represents when it is not a success.
    public var error: DashScopeError? {
        isSuccess ? nil : DashScopeError.fromErrorAnswer(
            status: status, body: body, headerRequestID: header("x-request-id"), retryAfter: header("Retry-After"))
    }
}

/// A DashScope answer whose body is still arriving.
public struct UpstreamStream: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The response headers.
    public var headers: [(name: String, value: String)]
    /// The body pieces as they arrive (pulled, so a slow reader slows the upstream read); throws
    /// `DashScopeError` when the upstream fails mid-body.
    public var body: UpstreamBody

    /// The first header value of that name, case-insensitive.
    public func header(_ name: String) -> String? {
        headers.first { ASCIICase.sameName($0.name, name) }?.value
    }
}

/// An upstream response body read on demand: nothing is buffered beyond what the reader pulls. Each read waits at
/// most `idleTimeout` for DashScope (time between reads, when the reader is busy or paused, does not count).
public struct UpstreamBody: AsyncSequence, Sendable {
    /// One piece of the body.
    public typealias Element = [UInt8]
    private let base: HTTPClientResponse.Body
    private let idleTimeout: Duration?

    init(_ base: HTTPClientResponse.Body, idleTimeout: Duration?) {
        self.base = base
        self.idleTimeout = idleTimeout
    }

    /// Iterates the pieces, mapping transport errors to `DashScopeError` (`.timeout` after `idleTimeout` of silence).
    public struct AsyncIterator: AsyncIteratorProtocol {
        let reader: UpstreamBodyReader
        let idleTimeout: Duration?

        /// The next piece, or nil at the end.
        public mutating func next() async throws -> [UInt8]? {
            try await reader.next(within: idleTimeout)
        }
    }

    /// Starts reading.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: UpstreamBodyReader(base), idleTimeout: idleTimeout)
    }
}
