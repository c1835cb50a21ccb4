import AsyncHTTPClient

/// Whole-answer calls on async-http-client (the path every call took before the NIO one; still taken by calls
/// whose body is too large to copy into one buffer).
struct AsyncHTTPClientWholeAnswers: WholeAnswerTransport {
    /// The client whose read timeout covers a whole answer (owned and shut down by `HTTPTransport`).
    let client: LazyHTTPClient
    /// Where calls go.
    let endpoint: DashScopeEndpoint

    func send(
        _ request: UpstreamRequest, authorization: String, maxBodyBytes: Int, timeout: Duration
    ) async throws(TransportFailure) -> UpstreamResponse {
        try await HTTPTransport.collect(
            client.shared, HTTPTransport.makeRequest(request, endpoint: endpoint, authorization: authorization),
            maxBodyBytes: maxBodyBytes, timeout: timeout)
    }

    func shutdown() async {}
}
