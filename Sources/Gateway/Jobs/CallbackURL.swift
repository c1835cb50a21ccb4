/// A validated webhook `callback_url`: http or https, a host, an optional numeric port, no user info, ≤ 2048 bytes.
struct CallbackURL: Sendable, Equatable {
    /// The URL as given.
    var text: String
    /// `http` or `https`.
    var scheme: String
    /// The host as given (an IPv6 literal without its brackets).
    var host: String
    /// The port (the scheme's default when none is given).
    var port: Int

    /// The longest accepted URL, in bytes.
    static let maxBytes = 2048

    /// Parses `text`; a failure with the reason when it is not an acceptable callback.
    static func parse(_ text: String) -> Result<CallbackURL, CallbackURLProblem> {
        guard (1...maxBytes).contains(text.utf8.count) else { return .failure(.init("must be 1 to \(maxBytes) bytes")) }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value >= 0x7F })
        else { return .failure(.init("must be ASCII without spaces or control characters")) }
        guard let separator = text.firstRange(of: "://") else { return .failure(.init("must be an absolute http or https URL")) }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return .failure(.init("must use http or https")) }
        let authority = text[separator.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return .failure(.init("must not carry user info")) }
        var host = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(.init("has an unclosed IPv6 literal")) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.first == ":" else { return .failure(.init("has a malformed host")) }
            if !after.isEmpty { portText = after.dropFirst() }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { return .failure(.init("has no host")) }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard portText.allSatisfy(\.isNumber), let number = Int(portText), (1...65535).contains(number) else {
                return .failure(.init("has an invalid port"))
            }
            port = number
        }
        return .success(CallbackURL(text: text, scheme: scheme, host: String(host), port: port))
    }
}

/// Why a callback URL was refused.
struct CallbackURLProblem: Error, Sendable, Equatable {
    /// The reason, to follow "callback_url ".
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
