/// The syntax check applied to audio URLs before they are sent upstream.
enum AudioURL {
    /// The schemes DashScope can fetch from (`oss://` only with the resolve header).
    static let schemes = ["http", "https", "oss"]

    /// Whether `url` is `scheme://host…` with an accepted scheme, a host, a numeric port if any, no whitespace.
    static func isAcceptable(_ url: String) -> Bool {
        guard !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F })
        else { return false }
        guard let separator = url.firstRange(of: "://") else { return false }
        guard schemes.contains(url[..<separator.lowerBound].lowercased()) else { return false }
        let rest = url[separator.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = authority
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || isPort(after) else { return false }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            guard isPort(authority[colon...]) else { return false }
        }
        return !host.isEmpty
    }

    /// Whether `text` is `:` followed by 1–5 digits.
    private static func isPort(_ text: Substring) -> Bool {
        let digits = text.dropFirst()
        return text.first == ":" && (1...5).contains(digits.count)
            && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
