/// A `host:port` the gateway listens on (`[v6]:port` for IPv6).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host literal.
    public let host: String
    /// The port; 0 picks a free one.
    public let port: Int

    /// Parses `host:port`, `[::1]:port` or `:port` (meaning 127.0.0.1).
    public init(parsing text: String) throws(ConfigurationError) {
        let trimmed = text.trimmingWhitespace()
        guard let colon = trimmed.lastIndex(of: ":") else {
            throw ConfigurationError("listen address '\(text)' must be host:port, e.g. 127.0.0.1:8080")
        }
        var host = String(trimmed[..<colon])
        let portText = trimmed[trimmed.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ConfigurationError("listen port in '\(text)' must be a number from 0 to 65535")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "127.0.0.1" }
        self.host = host
        self.port = port
    }

    /// Creates an address directly.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// True for 127.0.0.0/8, ::1 and localhost.
    public var isLoopback: Bool {
        LoopbackName.isLoopbackAuthority(host.contains(":") ? "[\(host)]"[...] : host[...])
    }

    /// `host:port`, with brackets for IPv6.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

import FoundationEssentials
