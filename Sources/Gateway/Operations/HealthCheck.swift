import DashScope

// `funasr-gateway healthcheck` is the container HEALTHCHECK: debian:bookworm-slim has no curl, and URLSession on
// Linux (FoundationNetworking) would link libcurl, which the runtime image does not install. The gateway already
// carries an HTTP client (async-http-client inside DashScopeClient), so the probe uses it, without any key.

/// A one-shot GET of a health URL, for container health checks.
public enum HealthCheck {
    /// `http://127.0.0.1:<port>/healthz` for a listen address (`0.0.0.0`/`::` become loopback; default port 8080).
    public static func defaultURL(listen: String?) -> String {
        guard let listen, !listen.isEmpty, let address = try? ListenAddress(parsing: listen) else {
            return "http://127.0.0.1:8080/healthz"
        }
        let port = address.port == 0 ? 8080 : address.port
        switch address.host {
        case "0.0.0.0", "": return "http://127.0.0.1:\(port)/healthz"
        case "::", "[::]": return "http://[::1]:\(port)/healthz"
        default: return "http://\(ListenAddress(host: address.host, port: port))/healthz"
        }
    }

    /// GETs `url` within `timeout`; healthy on a 2xx answer. The summary is one line for the operator.
    public static func probe(url: String, timeout: Duration) async -> (healthy: Bool, summary: String) {
        guard let schemeEnd = url.firstRange(of: "://") else {
            return (false, "unhealthy: \(url) is not an http:// URL")
        }
        let afterScheme = url[schemeEnd.upperBound...]
        let origin = url[..<schemeEnd.upperBound] + afterScheme.prefix { $0 != "/" && $0 != "?" }
        let endpoint: DashScopeEndpoint
        do {
            endpoint = try DashScopeEndpoint(region: .beijing, baseURL: String(origin))
        } catch {
            return (false, "unhealthy: \(error)")
        }
        let client = DashScopeClient(
            endpoint: endpoint, apiKey: APIKey("unused-by-unauthenticated-fetch"),
            timeouts: UpstreamTimeouts(request: timeout, streamIdle: timeout, connect: timeout))
        let result: (Bool, String)
        do {
            let response = try await client.fetchWithoutKey(url, maxBodyBytes: 64 << 10)
            let body = String(decoding: response.body.prefix(200), as: UTF8.self)
            result = (response.isSuccess, "\(response.isSuccess ? "healthy" : "unhealthy"): HTTP \(response.status) \(body)")
        } catch {
            switch error {
            case .timeout: result = (false, "unhealthy: \(url) did not answer within \(ConfigurationReport.seconds(timeout))")
            case .unreachable: result = (false, "unhealthy: cannot connect to \(url)")
            default: result = (false, "unhealthy: \(url) did not answer HTTP")
            }
        }
        await client.shutdown()
        return result
    }
}
