/// The application side of the server: the body cap per request and the answer to each request.
public protocol HTTPHandler: Sendable {
    /// The largest body this request may carry; decided from the head alone.
    func bodyLimit(for head: HTTPRequestHead) -> Int
    /// What to do with a request from its head alone (auth, routing, origin): answer at once, before any body byte
    /// is read, or read the body and hand what was decided to `handle(_:)` as `HTTPRequest.admission`.
    func decide(_ head: HTTPRequestHead) -> HeadDecision
    /// The answer sent when the server refuses a request from its head (framing, size, memory budget).
    func refusal(_ reason: HeadRefusal, for head: HTTPRequestHead) -> HTTPResponse
    /// The answer sent when a body passed `bodyLimit(for:)`.
    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse
    /// Answers a complete request at once, on the server's thread, when the answer needs no waiting (health,
    /// metrics, static documents): no task and no suspension. Nil sends the request to `handle(_:)`.
    func answerNow(_ request: HTTPRequest) -> HTTPResponse?
    /// Starts the answer of a complete request on the server's thread without a task, when the handler can finish
    /// it from a callback (an upstream call's completion): `reply` is then called exactly once, on any thread, and
    /// true returned. The connection waits suspended; nothing is cancelled when the client leaves. False (and no
    /// `reply`) sends the request to `handle(_:)`.
    func answerLater(_ request: HTTPRequest, reply: @escaping @Sendable (HTTPResponse) -> Void) -> Bool
    /// Answers a complete request. Runs in a task; cancelled when the client leaves.
    func handle(_ request: HTTPRequest) async -> HTTPResponse
}

extension HTTPHandler {
    /// No head-time answer: every request that passes the server's own checks is read and handled.
    public func decide(_ head: HTTPRequestHead) -> HeadDecision { .proceed(admission: nil) }

    /// Every request goes to `handle(_:)`.
    public func answerNow(_ request: HTTPRequest) -> HTTPResponse? { nil }

    /// Every request goes to `handle(_:)`.
    public func answerLater(_ request: HTTPRequest, reply: @escaping @Sendable (HTTPResponse) -> Void) -> Bool { false }

    /// Plain-text refusals; 413 goes through `payloadTooLarge(_:limit:)`.
    public func refusal(_ reason: HeadRefusal, for head: HTTPRequestHead) -> HTTPResponse {
        switch reason {
        case .badFraming(let why):
            return HTTPResponse(status: 400, contentType: "text/plain", text: "bad request framing: \(why)")
        case .payloadTooLarge(let limit):
            return payloadTooLarge(head, limit: limit)
        case .busy:
            return HTTPResponse(
                status: 503, contentType: "text/plain", text: "server busy: too many request bodies in memory",
                headers: ["Retry-After": "1"])
        case .overloaded(let limit):
            return HTTPResponse(
                status: 503, contentType: "text/plain", text: "server busy: \(limit) requests are already in flight",
                headers: ["Retry-After": "1"])
        case .requestTimeout:
            return HTTPResponse(status: 408, contentType: "text/plain", text: "the request body arrived too slowly")
        }
    }
}

/// A handler's decision from a request's head.
public enum HeadDecision: Sendable {
    /// Answer now; the body is never read.
    case answer(HTTPResponse)
    /// Read the body, then call `handle(_:)` with this value as the request's `admission`.
    case proceed(admission: (any Sendable)?)
    /// Call `handle(_:)` at once, before the body arrives, with the body as `HTTPRequest.bodyStream` (read with
    /// back-pressure) and this value as `admission`. The route's cap is checked as for `proceed`; the memory budget
    /// covers a declared length whole when the handler keeps (a form of) what it reads (`keepsBody`, e.g. encodes
    /// it), else only what waits unread (it passes the body on). The response is sent once the body has ended.
    case stream(admission: (any Sendable)?, keepsBody: Bool = true)
}
