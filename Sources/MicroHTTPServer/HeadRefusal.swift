/// Why the server refused a request from its head alone, before reading any of its body.
public enum HeadRefusal: Sendable, Equatable {
    /// The message framing is ambiguous or unsupported (RFC 9112 §6.1/§6.3): 400, and the connection closes.
    case badFraming(String)
    /// The declared (or received) body passes the route's cap: 413.
    case payloadTooLarge(limit: Int)
    /// The global budget for buffered request bodies cannot cover this body now: 503, retry shortly.
    case busy
    /// The server already handles its limit of requests at once: 503, retry shortly, and the connection closes.
    case overloaded(limit: Int)
    /// The body completed after its deadline (`RequestTimeLimits`): 408, and the connection closes. A body still
    /// arriving at its deadline is cut without an answer (libmicrohttpd cannot answer mid-body).
    case requestTimeout
}
