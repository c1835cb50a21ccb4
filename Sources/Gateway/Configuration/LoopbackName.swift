/// Recognises loopback hosts in `Host` and `Origin` values: `localhost`, `*.localhost`, 127.0.0.0/8 and `[::1]`,
/// with any port. Anything else, including names that merely resolve to loopback today, is not loopback.
enum LoopbackName {
    /// True for a `Host` value (`host`, `host:port`, `[v6]`, `[v6]:port`) naming a loopback host.
    static func isLoopbackAuthority(_ authority: Substring) -> Bool {
        var host: Substring
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[authority.index(after: authority.startIndex)..<close]
            guard isPort(authority[authority.index(after: close)...]) else { return false }
            return host == "::1" || host == "0:0:0:0:0:0:0:1"
        }
        host = authority
        if let colon = authority.lastIndex(of: ":") {
            guard isPort(authority[colon...]) else { return false }
            host = authority[..<colon]
        }
        if host.last == "." { host = host.dropLast() }
        return isLoopbackName(host.lowercased()[...])
    }

    /// True for an `Origin` value whose scheme is http or https and whose host is loopback (`null` is not).
    static func isLoopbackOrigin(_ origin: String) -> Bool {
        let lowered = origin.lowercased()
        for scheme in ["http://", "https://"] where lowered.hasPrefix(scheme) {
            let authority = origin.dropFirst(scheme.count)
            guard !authority.isEmpty, !authority.contains("/"), !authority.contains("@") else { return false }
            return isLoopbackAuthority(authority)
        }
        return false
    }

    /// An empty suffix, or `:` followed by 1–5 digits.
    private static func isPort(_ text: Substring) -> Bool {
        if text.isEmpty { return true }
        let digits = text.dropFirst()
        return text.first == ":" && (1...5).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `localhost`, a subdomain of it, or a dotted-quad IPv4 address in 127.0.0.0/8.
    private static func isLoopbackName(_ host: Substring) -> Bool {
        if host == "localhost" || (host.hasSuffix(".localhost") && host.count > ".localhost".count) { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(octet), value <= 255 else { return false }
        }
        return octets[0] == "127"
    }
}
