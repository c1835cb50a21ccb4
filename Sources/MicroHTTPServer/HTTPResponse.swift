import WebSockets

/// A response: status, headers and either a complete body, a stream producer or a WebSocket session.
public struct HTTPResponse: Sendable {
    /// How the body is produced.
    public enum Body: Sendable {
        /// A complete body, sent with a Content-Length.
        case bytes([UInt8])
        /// A body written piece by piece with chunked transfer; the producer's return ends it.
        case stream(@Sendable (ResponseBodyWriter) async -> Void)
        /// A 101 that switches the connection to WebSocket (see `HTTPResponse.webSocket`); the session runs on the
        /// connection once the 101 is sent and the connection closes when it returns.
        case webSocket(WebSocketLimits, @Sendable (WebSocketChannel) async -> Void)
    }

    /// The status code.
    public var status: Int
    /// The header fields (Content-Length and Date are added by the server).
    public var headers: HTTPHeaders
    /// The body.
    public var body: Body

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a UTF-8 text body and the given content type.
    public init(status: Int, contentType: String, text: String, headers: HTTPHeaders = [:]) {
        var all = headers
        all.replace("Content-Type", contentType)
        self.init(status: status, headers: all, body: .bytes(Array(text.utf8)))
    }
}

extension HTTPResponse {
    /// The 101 that accepts a WebSocket upgrade whose request carried `key` (check it with `WebSocketHandshake`
    /// first) and runs `session` on the connection.
    public static func webSocket(
        key: String, limits: WebSocketLimits = WebSocketLimits(),
        session: @escaping @Sendable (WebSocketChannel) async -> Void
    ) -> HTTPResponse {
        var headers = HTTPHeaders()
        for field in WebSocketHandshake.responseHeaders(forKey: key) { headers.add(field.name, field.value) }
        return HTTPResponse(status: 101, headers: headers, body: .webSocket(limits, session))
    }
}

/// Thrown by a stream writer once the client has gone or the server is shutting the stream down.
public struct ClientDisconnected: Error, Sendable, Equatable {
    /// Creates the error.
    public init() {}
}
