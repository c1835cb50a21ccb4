/// A DashScope region the gateway can talk to.
public enum DashScopeRegion: String, Sendable, CaseIterable {
    case beijing = "cn-beijing"
    case singapore = "ap-southeast-1"

    /// The legacy shared host of the region.
    public var legacyHost: String {
        switch self {
        case .beijing: "dashscope.aliyuncs.com"
        case .singapore: "dashscope-intl.aliyuncs.com"
        }
    }
}

/// Where upstream requests go: scheme, host and port, resolved from region, workspace or an override.
public struct DashScopeEndpoint: Sendable, Equatable {
    /// `https` or `http`.
    public let scheme: String
    /// The host name (no port).
    public let host: String
    /// The port when given explicitly.
    public let port: Int?

    /// Why an endpoint could not be built.
    public struct InvalidEndpoint: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, in a sentence.
        public let description: String
    }

    /// Resolves the endpoint: `baseURL` wins, then the workspace domain, then the legacy domain.
    public init(region: DashScopeRegion, workspaceID: String? = nil, baseURL: String? = nil) throws {
        if let baseURL, !baseURL.isEmpty {
            try self.init(parsing: baseURL)
            return
        }
        if let workspaceID, !workspaceID.isEmpty {
            guard Self.isValidWorkspaceID(workspaceID) else {
                throw InvalidEndpoint(description: "workspace id '\(workspaceID)' must match [A-Za-z0-9][A-Za-z0-9_-]{0,63}")
            }
            self.init(scheme: "https", host: "\(workspaceID).\(region.rawValue).maas.aliyuncs.com", port: nil)
        } else {
            self.init(scheme: "https", host: region.legacyHost, port: nil)
        }
    }

    init(scheme: String, host: String, port: Int?) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    private init(parsing text: String) throws {
        var rest = Substring(text)
        guard let schemeEnd = rest.firstRange(of: "://") else {
            throw InvalidEndpoint(description: "base URL '\(text)' needs a scheme, e.g. https://host")
        }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw InvalidEndpoint(description: "base URL scheme must be http or https, not '\(scheme)'")
        }
        rest = rest[schemeEnd.upperBound...]
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.hasSuffix("/api/v1") { rest = rest.dropLast("/api/v1".count) }
        guard !rest.contains("/"), !rest.contains("?"), !rest.contains("@"), !rest.isEmpty else {
            throw InvalidEndpoint(description: "base URL must be scheme://host[:port] (optionally ending in /api/v1), got '\(text)'")
        }
        var host = String(rest)
        var port: Int?
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            guard let parsed = Int(host[host.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw InvalidEndpoint(description: "base URL port in '\(text)' is not a number from 1 to 65535")
            }
            port = parsed
            host = String(host[..<colon])
        }
        self.init(scheme: scheme, host: host.lowercased(), port: port)
    }

    /// `scheme://host[:port]`.
    public var origin: String {
        port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }

    /// The full URL of an API path such as `/api/v1/tasks/1`, with a raw query string appended.
    public func url(path: String, query: [(name: String, value: String)] = []) -> String {
        origin + Self.target(path: path, query: query)
    }

    /// The request target of an API path: the path with a raw query string appended.
    public static func target(path: String, query: [(name: String, value: String)] = []) -> String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(percentEncode($0.name))=\(percentEncode($0.value))" }.joined(separator: "&")
    }

    /// True for a workspace id DashScope's SDK accepts.
    public static func isValidWorkspaceID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
public func percentEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let hex = Array("0123456789ABCDEF".utf8)
            out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
        }
    }
    return out
}
