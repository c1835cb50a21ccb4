/// Sends one API call whose answer is read whole (task query, list, cancel, submit, the native passthrough of
/// those) and collects that answer, any status. `HTTPTransport` picks the transport; each one knows only HTTP:
/// the key arrives as the `authorization` value, retries and error answers stay in `DashScopeClient`.
protocol WholeAnswerTransport: Sendable {
    /// Sends `request` with `Authorization: <authorization>` and reads the answer up to `maxBodyBytes` (past it:
    /// the too-large failure, `TransportFailure.bodyTooLarge`), all within `timeout`.
    func send(
        _ request: UpstreamRequest, authorization: String, maxBodyBytes: Int, timeout: Duration
    ) async throws(TransportFailure) -> UpstreamResponse

    /// Closes the connections.
    func shutdown() async
}

/// Which transport carries small whole-answer calls.
public enum WholeAnswerPath: Sendable {
    /// NIO's HTTP/1.1 codec on pooled keep-alive channels (`NIOWholeAnswerClient`).
    case nio
    /// async-http-client (`AsyncHTTPClientWholeAnswers`), as every call went before.
    case asyncHTTPClient
}
