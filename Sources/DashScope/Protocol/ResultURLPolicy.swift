import FoundationEssentials

/// Decides which result-document URLs the gateway may fetch, so it never becomes an open fetcher.
public struct ResultURLPolicy: Sendable {
    /// The configured upstream (a test double's own host is allowed too).
    public let endpoint: DashScopeEndpoint

    /// Creates the policy for an upstream.
    public init(endpoint: DashScopeEndpoint) {
        self.endpoint = endpoint
    }

    /// True for https URLs on `*.aliyuncs.com`, or URLs on the configured upstream's own origin.
    public func allows(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty,
              components.user == nil, components.password == nil
        else { return false }
        if scheme == "https", host == "aliyuncs.com" || host.hasSuffix(".aliyuncs.com") {
            return true
        }
        let defaultPort = scheme == "https" ? 443 : 80
        return scheme == endpoint.scheme && host == endpoint.host
            && (components.port ?? defaultPort) == (endpoint.port ?? defaultPort)
    }
}
