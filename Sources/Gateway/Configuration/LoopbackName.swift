import ASCIIText
import DashScope

/// Recognises loopback hosts in `Host` and `Origin` values: `localhost`, `*.localhost`, 127.0.0.0/8 and `[::1]`,
/// with any port. Anything else, including names that merely resolve to loopback today, is not loopback.
/// Works on the UTF-8 bytes: it runs on every request's `Host`, and character-wise it cost ~23k instructions a call.
enum LoopbackName {
    /// True for a `Host` value (`host`, `host:port`, `[v6]`, `[v6]:port`) naming a loopback host.
    static func isLoopbackAuthority(_ authority: Substring) -> Bool {
        var authority = authority
        return authority.withUTF8 { isLoopbackAuthority($0[...]) }
    }

    /// True for an `Origin` value whose scheme is http or https and whose host is loopback (`null` is not).
    static func isLoopbackOrigin(_ origin: String) -> Bool {
        var origin = origin
        return origin.withUTF8 { bytes in
            for scheme in ["http://", "https://"] where ASCIICase.hasPrefix(bytes, scheme.utf8) {
                let authority = bytes[scheme.utf8.count...]
                guard !authority.isEmpty, !authority.contains(slash), !authority.contains(at) else { return false }
                return isLoopbackAuthority(authority)
            }
            return false
        }
    }

    private static let slash = UInt8(ascii: "/"), at = UInt8(ascii: "@"), colon = UInt8(ascii: ":"), dot = UInt8(ascii: ".")

    private static func isLoopbackAuthority(_ authority: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let host = authority[(authority.startIndex + 1)..<close]
            guard isPort(authority[(close + 1)...]) else { return false }
            return host.elementsEqual("::1".utf8) || host.elementsEqual("0:0:0:0:0:0:0:1".utf8)
        }
        var host = authority
        if let index = authority.lastIndex(of: colon) {
            guard isPort(authority[index...]) else { return false }
            host = authority[..<index]
        }
        if host.last == dot { host = host.dropLast() }
        return isLoopbackName(host)
    }

    /// An empty suffix, or `:` followed by 1–5 digits.
    private static func isPort(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        if text.isEmpty { return true }
        let digits = text.dropFirst()
        return text.first == colon && (1...5).contains(digits.count) && digits.allSatisfy(isDigit)
    }

    /// `localhost`, a subdomain of it, or a dotted-quad IPv4 address in 127.0.0.0/8 (letters in any case).
    private static func isLoopbackName(_ host: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let suffix = ".localhost"
        if ASCIICase.equal(host, "localhost".utf8)
            || (host.count > suffix.utf8.count && ASCIICase.equal(host.suffix(suffix.utf8.count), suffix.utf8)) {
            return true
        }
        // One pass over the bytes, no array of octets: this runs on every request's `Host`.
        var octets = 0, digits = 0, value = 0, first = 0
        for byte in host {
            if byte == dot {
                guard digits > 0, octets < 3 else { return false }
                if octets == 0 { first = value }
                octets += 1
                digits = 0
                value = 0
            } else if isDigit(byte) {
                digits += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard digits <= 3, value <= 255 else { return false }
            } else {
                return false
            }
        }
        return octets == 3 && digits > 0 && first == 127
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
