extension DashScopeClient {
    /// Where the live-audio WebSocket goes: the endpoint's origin with `wss` for `https` (`ws` for a plain-HTTP base
    /// URL such as the simulator's) and `/api-ws/v1/inference`, plus the header fields that carry the key.
    public func liveAudioTarget() -> (url: String, headers: [(name: String, value: String)]) {
        let scheme = endpoint.scheme == "https" ? "wss" : "ws"
        let authority = endpoint.port.map { "\(endpoint.host):\($0)" } ?? endpoint.host
        return ("\(scheme)://\(authority)\(DashScopePaths.liveAudio)", [("Authorization", transport.currentAuthorization)])
    }
}
