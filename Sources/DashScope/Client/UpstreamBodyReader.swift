import AsyncHTTPClient

/// Reads an upstream body piece by piece and enforces the upstream idle timeout itself: only the time spent inside
/// `next(within:)` waiting for DashScope counts, so a relay paused by a slow client (which stops pulling, so
/// async-http-client stops reading the socket) never makes DashScope look silent. async-http-client's own read
/// timeout cannot tell the two apart and is off (`HTTPTransport`).
///
/// The iterator sits behind a reference so that one read can run in a child task raced by a timer.
/// async-http-client's iterator is not Sendable because two tasks must not use it at once; here they never do:
/// every read is awaited (its child task included) before the next one starts.
final class UpstreamBodyReader: @unchecked Sendable {
    private var base: HTTPClientResponse.Body.AsyncIterator

    init(_ body: HTTPClientResponse.Body) {
        base = body.makeAsyncIterator()
    }

    /// The next piece, nil at the end; throws `DashScopeError.timeout` when DashScope sent nothing for `idle`
    /// (the read is then cancelled, which closes the upstream connection), or the transport's error mapped.
    func next(within idle: Duration?) async throws -> [UInt8]? {
        guard let idle else { return try await read() }
        return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask { try await self.read() }
            group.addTask {
                try await Task.sleep(for: idle)
                throw DashScopeError.timeout
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    private func read() async throws -> [UInt8]? {
        do {
            return try await base.next().map { Array(buffer: $0) }
        } catch {
            throw HTTPTransport.classify(error)
        }
    }
}
