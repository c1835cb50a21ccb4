/// What the server knows of a request before its body arrives.
public struct HTTPRequestHead: Sendable {
    /// The method, as sent (e.g. `GET`).
    public var method: String
    /// The path without the query string, percent-decoded by libmicrohttpd.
    public var path: String
    /// The query arguments in order; a key without `=` has an empty value.
    public var query: [(name: String, value: String)]
    /// The request's header fields.
    public var headers: HTTPHeaders

    /// Creates a head.
    public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: HTTPHeaders = [:]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }

    /// The first value of a query argument.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// A request: the head and either the whole body or, when admitted with `HeadDecision.stream`, a body stream.
public struct HTTPRequest: Sendable {
    /// Method, path, query and headers.
    public var head: HTTPRequestHead
    /// The body bytes (empty when there is none, or when the body comes as `bodyStream`).
    public var body: [UInt8]
    /// The body as it arrives, for requests admitted with `HeadDecision.stream`; nil otherwise.
    public var bodyStream: RequestBodyStream?
    /// What the handler's head-time decision handed on (`HeadDecision.proceed`), so it need not decide twice.
    public var admission: (any Sendable)?

    /// Creates a request.
    public init(
        head: HTTPRequestHead, body: [UInt8] = [], admission: (any Sendable)? = nil, bodyStream: RequestBodyStream? = nil
    ) {
        self.head = head
        self.body = body
        self.admission = admission
        self.bodyStream = bodyStream
    }
}
