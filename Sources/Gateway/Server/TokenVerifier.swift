/// Checks `Authorization: Bearer <token>` against the local tokens in constant time.
public struct TokenVerifier: Sendable {
    private let tokens: [[UInt8]]

    /// Creates a verifier; with no tokens every request passes.
    public init(tokens: [String]) {
        self.tokens = tokens.map { Array($0.utf8) }
    }

    /// True when local authentication is on.
    public var isEnabled: Bool { !tokens.isEmpty }

    /// True when the header carries one of the tokens (or when none are configured).
    public func accepts(authorization: String?) -> Bool {
        guard isEnabled else { return true }
        guard let presented = Self.bearerToken(authorization) else { return false }
        let candidate = Array(presented.utf8)
        var matched = false
        for token in tokens where Self.constantTimeEqual(token, candidate) {
            matched = true
        }
        return matched
    }

    /// True when a WebSocket upgrade offers one of the tokens as the subprotocol `funasr-token.<token>` or
    /// `openai-insecure-api-key.<token>` (a browser cannot set `Authorization` on a WebSocket; the page at `/` sends
    /// the first form, OpenAI's browser SDKs the second).
    public func accepts(webSocketProtocols: String?) -> Bool {
        guard isEnabled else { return true }
        for offered in (webSocketProtocols ?? "").split(separator: ",") {
            let value = offered.trimmingWhitespace()
            for prefix in Self.tokenProtocolPrefixes where value.hasPrefix(prefix) {
                if accepts(authorization: "Bearer " + value.dropFirst(prefix.count)) { return true }
            }
        }
        return false
    }

    /// The subprotocol prefix that carries a token on a WebSocket upgrade.
    public static let tokenProtocolPrefix = "funasr-token."

    /// Every subprotocol prefix that may carry a token: the gateway's and OpenAI's browser form.
    public static let tokenProtocolPrefixes = [tokenProtocolPrefix, "openai-insecure-api-key."]

    /// The subprotocol the gateway selects when a client offered a token that way (never the token-bearing one, so
    /// the token is not echoed in the 101).
    public static let gatewayProtocol = "funasr-gateway"

    /// The token of a `Bearer` header value, or nil.
    public static func bearerToken(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingWhitespace()
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}

import FoundationEssentials
