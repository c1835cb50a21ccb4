import MicroHTTPServer

/// Without local tokens, refuses what a web page could make the user's browser send to the gateway:
/// DNS rebinding (a non-loopback `Host` on a loopback listener) and cross-site requests (`Origin`,
/// `Sec-Fetch-Site`). Clients that send neither header (curl, SDKs) pass. Off when tokens are configured.
struct BrowserRequestGuard: Sendable {
    /// False when local tokens protect the gateway.
    let enabled: Bool
    /// True when the gateway listens on a loopback address, so every legitimate `Host` is a loopback name.
    let checksHost: Bool

    /// Creates the guard for a gateway with or without tokens, listening on loopback or not.
    init(tokensEnabled: Bool, listensOnLoopback: Bool) {
        enabled = !tokensEnabled
        checksHost = listensOnLoopback
    }

    /// The 403 for a rebinding or cross-site request; nil when the request may proceed.
    func refusal(for headers: HTTPHeaders) -> GatewayError? {
        guard enabled else { return nil }
        let host = headers["Host"]
        let hostIsLoopback = host.map { LoopbackName.isLoopbackAuthority($0.trimmingWhitespace()[...]) } ?? false
        if checksHost, host != nil, !hostIsLoopback {
            return GatewayError(
                status: 403, code: "forbidden_host",
                message: "the Host header does not name a loopback host; a gateway on a loopback address without "
                    + "local tokens answers only requests for localhost, 127.0.0.0/8 or [::1]")
        }
        let origin = headers["Origin"]?.trimmingWhitespace()
        let site = headers["Sec-Fetch-Site"]?.trimmingWhitespace().lowercased()
        let crossSite: Bool
        if let origin, !LoopbackName.isLoopbackOrigin(origin) {
            crossSite = true
        } else if site == "cross-site" {
            crossSite = true
        } else if site == "same-site", origin == nil {
            crossSite = !hostIsLoopback
        } else {
            crossSite = false
        }
        guard crossSite else { return nil }
        return GatewayError(
            status: 403, code: "cross_site_request",
            message: "cross-site browser requests are refused when no local tokens are configured "
                + "(set FUNASR_GATEWAY_TOKENS to call the gateway from a web page)")
    }
}
