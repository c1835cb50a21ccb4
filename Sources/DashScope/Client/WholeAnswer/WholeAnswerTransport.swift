/// Sends one API call whose answer is read whole (task query, list, cancel, submit, the native passthrough of
/// those) and collects that answer, any status. `HTTPTransport` picks the transport; each one knows only HTTP:
/// the key arrives as the `authorization` value, retries and error answers stay in `DashScopeClient`.
protocol WholeAnswerTransport: Sendable {
    /// Sends `request` with `Authorization: <authorization>` and reads the answer up to `maxBodyBytes` (past it:
    /// the too-large failure, `TransportFailure.bodyTooLarge`), all within `timeout`.
    func send(
        _ request: UpstreamRequest, authorization: String, maxBodyBytes: Int, timeout: Duration
    ) async throws(TransportFailure) -> UpstreamResponse

    /// `send` without a task: starts the call and returns; `completion` gets the outcome once, on any thread.
    func start(
        _ request: UpstreamRequest, authorization: String, maxBodyBytes: Int, timeout: Duration,
        completion: @escaping @Sendable (Result<UpstreamResponse, TransportFailure>) -> Void
    )

    /// Closes the connections.
    func shutdown() async
}

extension WholeAnswerTransport {
    /// A transport with no callback path of its own runs `send` in a task.
    func start(
        _ request: UpstreamRequest, authorization: String, maxBodyBytes: Int, timeout: Duration,
        completion: @escaping @Sendable (Result<UpstreamResponse, TransportFailure>) -> Void
    ) {
        Task {
            do throws(TransportFailure) {
                completion(.success(try await send(request, authorization: authorization, maxBodyBytes: maxBodyBytes, timeout: timeout)))
            } catch {
                completion(.failure(error))
            }
        }
    }
}

/// Which transport carries small whole-answer calls.
public enum WholeAnswerPath: Sendable {
    /// NIO's HTTP/1.1 codec on pooled keep-alive channels (`NIOWholeAnswerClient`).
    case nio
    /// async-http-client (`AsyncHTTPClientWholeAnswers`), as every call went before.
    case asyncHTTPClient
}
