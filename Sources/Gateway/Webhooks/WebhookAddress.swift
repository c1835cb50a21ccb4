#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address a callback host resolved to, with the SSRF rule applied to it.
struct WebhookAddress: Sendable, Equatable {
    /// The address in its numeric text form (`203.0.113.7`, `2001:db8::1`).
    var text: String
    /// The raw bytes (4 for IPv4, 16 for IPv6).
    var bytes: [UInt8]

    /// Parses a numeric IPv4 or IPv6 address; nil for a host name.
    init?(literal: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, literal, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
        text = Self.format(bytes)
    }

    /// An address from raw bytes.
    init(bytes: [UInt8]) {
        self.bytes = bytes
        text = Self.format(bytes)
    }

    /// Why this address may not be called unless allowed: loopback, private, link-local (cloud metadata
    /// 169.254.169.254 included), unspecified, multicast or broadcast; nil for a public address.
    var restriction: String? {
        if bytes.count == 16 {
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return WebhookAddress(bytes: Array(bytes[12...])).restriction  // IPv4-mapped
            }
            if bytes.allSatisfy({ $0 == 0 }) { return "unspecified" }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return "loopback" }
            if bytes[0] & 0xFE == 0xFC { return "private" }
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return "link-local" }
            if bytes[0] == 0xFF { return "multicast" }
            return nil
        }
        switch (bytes[0], bytes[1]) {
        case (0, _): return "unspecified"
        case (127, _): return "loopback"
        case (10, _), (192, 168): return "private"
        case (172, let b) where (16...31).contains(b): return "private"
        case (169, 254): return "link-local"
        case (224...239, _): return "multicast"
        case (255, 255) where bytes == [255, 255, 255, 255]: return "broadcast"
        default: return nil
        }
    }

    private static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        guard ok else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
