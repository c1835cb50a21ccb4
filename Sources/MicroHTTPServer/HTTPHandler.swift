/// The application side of the server: the body cap per request and the answer to each request.
public protocol HTTPHandler: Sendable {
    /// The largest body this request may carry; decided from the head alone.
    func bodyLimit(for head: HTTPRequestHead) -> Int
    /// The answer sent when a body passed `bodyLimit(for:)`.
    func payloadTooLarge(_ head: HTTPRequestHead, limit: Int) -> HTTPResponse
    /// Answers a complete request. Runs in a task; cancelled when the client leaves.
    func handle(_ request: HTTPRequest) async -> HTTPResponse
}
