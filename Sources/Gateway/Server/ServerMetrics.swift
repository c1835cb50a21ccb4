/// What the server plumbing records (implemented by `GatewayMetrics`; a protocol so that `Server/` does not depend
/// on `Operations/`, which serves the numbers).
protocol ServerMetrics: Sendable {
    /// One request finished (for streams: when the stream ended).
    func requestFinished(route: String, status: Int, duration: Duration, upstream: Duration)
    /// An event stream started.
    func streamOpened()
    /// An event stream ended.
    func streamClosed()
    /// `count` events were relayed to a client.
    func eventRelayed(count: Int)
    /// An upstream call failed with this code.
    func upstreamError(code: String)
    /// A failed upstream attempt is being retried.
    func retry()
}
