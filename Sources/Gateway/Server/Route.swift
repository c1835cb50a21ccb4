import DashScope
import MicroHTTPServer

/// What a route handler gets: the request, its path parameters and the per-request trace.
public struct RouteContext: Sendable {
    /// The complete request.
    public let request: HTTPRequest
    /// Values of the `{name}` segments of the route's pattern.
    public let parameters: [String: String]
    /// The gateway's request id (the client's `X-Request-Id`, or a new one).
    public let requestID: String
    /// Records upstream timing and DashScope's request id for the access log and metrics.
    public let trace: RequestTrace

    /// What every DashScope call made for this request carries: the request id and the trace as observer.
    public var upstream: CallContext { CallContext(requestID: requestID, observer: trace) }

    /// A path parameter by name ("" when absent).
    public func parameter(_ name: String) -> String {
        parameters[name] ?? ""
    }
}

/// Which body cap a route applies.
public enum BodyLimitClass: Sendable {
    /// Small JSON bodies.
    case json
    /// Audio uploads.
    case audio
    /// Files for the temporary storage (a JSON body on the same route keeps the JSON cap).
    case files

    /// The cap of a body carrying files for DashScope's temporary storage: it takes files up to 100 MB
    /// (`max_file_size_mb`), plus room for the form around one.
    public static let filesLimit = 101 << 20

    /// True for a body that carries files (a form, or raw audio or video) rather than JSON.
    static func carriesFiles(contentType: String?) -> Bool {
        let type = (contentType ?? "").lowercased()
        return type.hasPrefix("multipart/form-data") || type.hasPrefix("audio/") || type.hasPrefix("video/")
            || type.hasPrefix("application/octet-stream")
    }
}

/// One route: method, path pattern, policy and handler. A class: a route is handed along with every request
/// (router, admission, context), and copying its many references cost a retain each time.
public final class Route: Sendable {
    /// The HTTP method.
    public let method: String
    /// The path with `{name}` segments, e.g. `/v1/transcriptions/{id}`.
    public let pattern: String
    /// A stable name for logs and metrics.
    public let name: String
    /// The body cap class.
    public let bodyLimit: BodyLimitClass
    /// The error body shape.
    public let errorStyle: ErrorStyle
    /// False for routes open without a local token (health).
    public let requiresAuth: Bool
    /// The handler; thrown errors go through `GatewayError.from`.
    public let handler: @Sendable (RouteContext) async throws -> HTTPResponse
    /// The same handler when it answers without waiting: it then runs on the server's thread, without a task.
    public let immediate: (@Sendable (RouteContext) throws -> HTTPResponse)?
    /// The same handler started without a task, when it can answer from a callback: it runs on the server's
    /// thread, returns true and calls its `reply` once, on any thread; false sends the request to `handler`.
    public let relay: Relay?

    /// A handler that answers from a callback (see `relay`).
    public typealias Relay = @Sendable (
        RouteContext, _ reply: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void
    ) throws -> Bool
    /// True for a request whose body the handler reads as it arrives (`HTTPRequest.bodyStream`) instead of whole.
    public let streamsBody: @Sendable (HTTPRequestHead) -> Bool
    /// True when a streamed body is passed on as it is read (an upload, or spooled to disk), not kept: the memory
    /// budget then covers only what waits unread instead of the declared length.
    public let passesBodyOn: @Sendable (HTTPRequestHead) -> Bool

    /// Creates a route.
    public init(
        _ method: String, _ pattern: String, name: String, bodyLimit: BodyLimitClass = .json,
        errorStyle: ErrorStyle = .local, requiresAuth: Bool = true,
        streamsBody: @escaping @Sendable (HTTPRequestHead) -> Bool = { _ in false }, passesBodyOn: Bool = false,
        passesBodyOnWhen: (@Sendable (HTTPRequestHead) -> Bool)? = nil, relay: Relay? = nil,
        handler: @escaping @Sendable (RouteContext) async throws -> HTTPResponse
    ) {
        self.immediate = nil
        self.relay = relay
        self.method = method
        self.pattern = pattern
        self.name = name
        self.bodyLimit = bodyLimit
        self.errorStyle = errorStyle
        self.requiresAuth = requiresAuth
        self.handler = handler
        self.streamsBody = streamsBody
        self.passesBodyOn = passesBodyOnWhen ?? { _ in passesBodyOn }
    }

    /// A route whose answer needs no waiting (health, metrics, static documents): it is made on the server's
    /// thread as soon as the request is complete, with no task and no thread hop.
    public static func immediate(
        _ method: String, _ pattern: String, name: String, errorStyle: ErrorStyle = .local, requiresAuth: Bool = true,
        answer: @escaping @Sendable (RouteContext) throws -> HTTPResponse
    ) -> Route {
        Route(method, pattern, name: name, errorStyle: errorStyle, requiresAuth: requiresAuth, immediate: answer)
    }

    private init(
        _ method: String, _ pattern: String, name: String, errorStyle: ErrorStyle, requiresAuth: Bool,
        immediate answer: @escaping @Sendable (RouteContext) throws -> HTTPResponse
    ) {
        self.method = method
        self.pattern = pattern
        self.name = name
        self.bodyLimit = .json
        self.errorStyle = errorStyle
        self.requiresAuth = requiresAuth
        self.handler = { try answer($0) }
        self.immediate = answer
        self.relay = nil
        self.streamsBody = { _ in false }
        self.passesBodyOn = { _ in false }
    }

    /// The pattern's segments, split once.
    var segments: [Substring] {
        pattern.split(separator: "/", omittingEmptySubsequences: true)
    }
}
