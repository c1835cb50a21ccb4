import Prometheus
import Synchronization

// One registry per Gateway (never the global MetricsSystem), so several gateways in one test process keep
// separate numbers. The instruments are swift-prometheus's, used directly (no swift-metrics front end).
// Label values are bounded: route names (never raw paths), HTTP statuses and DashScope error codes.

/// The gateway's Prometheus metrics: requests, durations, overhead, streams, relayed events, upstream errors.
public final class GatewayMetrics: Sendable {
    /// The registry `GET /metrics` renders.
    public let registry: PrometheusCollectorRegistry

    private let openStreams: Gauge
    private let eventsRelayed: Counter
    private let retries: Counter
    private let readyGauge: Gauge
    private let liveSessions: Gauge
    private let liveToUpstream: Counter
    private let liveToClient: Counter
    /// Instruments already made, by route and by route+status: the registry's own lookup validates names and
    /// help texts on every call, which showed as 4–7 % of a request's CPU in the profile.
    private let routeInstruments = Mutex<[String: RouteInstruments]>([:])
    private let requestCounters = Mutex<[RouteStatus: Counter]>([:])

    private struct RouteInstruments {
        let duration: DurationHistogram
        let upstream: DurationHistogram
        let overhead: DurationHistogram
    }

    private struct RouteStatus: Hashable {
        let route: String
        let status: Int
    }

    static let requestsName = "funasr_gateway_requests_total"
    static let durationName = "funasr_gateway_request_duration_seconds"
    static let overheadName = "funasr_gateway_overhead_seconds"
    static let upstreamDurationName = "funasr_gateway_upstream_duration_seconds"
    static let upstreamErrorsName = "funasr_gateway_upstream_errors_total"

    /// Seconds; `?wait=` requests can legitimately last two minutes.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]
    /// The gateway's own time is expected in the sub-millisecond range.
    static let overheadBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    /// Creates the metrics in a new registry of their own.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        openStreams = registry.makeGauge(
            name: "funasr_gateway_open_streams", help: "SSE responses currently streaming to clients.")
        eventsRelayed = registry.makeCounter(
            name: "funasr_gateway_stream_events_relayed_total", help: "SSE events relayed from DashScope to clients.")
        retries = registry.makeCounter(
            name: "funasr_gateway_upstream_retries_total", help: "Upstream calls the gateway retried.")
        readyGauge = registry.makeGauge(
            name: "funasr_gateway_upstream_ready",
            help: "1 when the last readiness check reached DashScope with an accepted key, else 0.")
        liveSessions = registry.makeGauge(
            name: "funasr_gateway_live_sessions", help: "Live-audio WebSocket sessions currently open through the gateway.")
        let liveHelp = "WebSocket messages relayed by live-audio sessions, by direction."
        liveToUpstream = registry.makeCounter(
            name: Self.liveMessagesName, labels: [("direction", "to_upstream")], help: liveHelp)
        liveToClient = registry.makeCounter(
            name: Self.liveMessagesName, labels: [("direction", "to_client")], help: liveHelp)
    }

    static let liveMessagesName = "funasr_gateway_live_messages_total"

    /// Records one finished request (for streams: when the stream ends).
    public func requestFinished(route: String, status: Int, duration: Duration, upstream: Duration) {
        counter(route: route, status: status).increment()
        let instruments = self.instruments(route: route)
        instruments.duration.record(duration)
        instruments.upstream.record(upstream)
        instruments.overhead.record(duration > upstream ? duration - upstream : .zero)
    }

    private func counter(route: String, status: Int) -> Counter {
        let key = RouteStatus(route: route, status: status)
        if let made = requestCounters.withLock({ $0[key] }) { return made }
        let made = registry.makeCounter(
            name: Self.requestsName, labels: [("route", route), ("status", String(status))],
            help: "Requests answered, by route name and HTTP status.")
        requestCounters.withLock { $0[key] = made }
        return made
    }

    private func instruments(route: String) -> RouteInstruments {
        if let made = routeInstruments.withLock({ $0[route] }) { return made }
        let routeLabel = [("route", route)]
        // The registry returns the same instrument for the same name and labels, so a race here is harmless.
        let made = RouteInstruments(
            duration: registry.makeDurationHistogram(
                name: Self.durationName, labels: routeLabel, buckets: Self.durationBuckets,
                help: "Total time from the request to the end of the response, by route name."),
            upstream: registry.makeDurationHistogram(
                name: Self.upstreamDurationName, labels: routeLabel, buckets: Self.durationBuckets,
                help: "Time spent waiting on DashScope (all upstream exchanges of the request), by route name."),
            overhead: registry.makeDurationHistogram(
                name: Self.overheadName, labels: routeLabel, buckets: Self.overheadBuckets,
                help: "The gateway's own time (total minus upstream; includes ?wait= pauses between polls), by route name."))
        routeInstruments.withLock { $0[route] = made }
        return made
    }

    /// An SSE response started streaming.
    public func streamOpened() {
        openStreams.increment()
    }

    /// An SSE response ended (normally, with an error event, or because the client left).
    public func streamClosed() {
        openStreams.decrement()
    }

    /// `count` SSE events were relayed to a client.
    public func eventRelayed(count: Int = 1) {
        eventsRelayed.increment(by: Int64(count))
    }

    /// DashScope failed a call: its error code (e.g. `InvalidApiKey`), or the gateway's (`upstream_timeout`).
    public func upstreamError(code: String) {
        registry.makeCounter(
            name: Self.upstreamErrorsName, labels: [("code", code)],
            help: "Failed upstream calls, by DashScope error code or the gateway's upstream_* code."
        ).increment()
    }

    /// A live-audio WebSocket session opened (both sides connected).
    public func liveSessionOpened() {
        liveSessions.increment()
    }

    /// A live-audio WebSocket session ended.
    public func liveSessionClosed() {
        liveSessions.decrement()
    }

    /// `count` WebSocket messages were relayed, towards DashScope or towards the client.
    public func liveMessagesRelayed(toUpstream: Bool, count: Int = 1) {
        (toUpstream ? liveToUpstream : liveToClient).increment(by: Int64(count))
    }

    /// An upstream call is being retried.
    public func retry() {
        retries.increment()
    }

    /// Records the outcome of a readiness check.
    public func upstreamReady(_ ready: Bool) {
        readyGauge.set(to: ready ? 1.0 : 0.0)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

extension GatewayMetrics: ServerMetrics {}
