import MicroHTTPServer

// The native passthrough forwards a short allow-list of request headers (every `X-DashScope-*`, plus
// `Content-Type`, `Accept` and `User-Agent`, which DashScope's SDKs send and DashScope may look at) and
// relays every response header but the hop-by-hop ones. `Authorization` never travels: DashScopeClient
// sets the gateway's key. `Accept-Encoding` is not forwarded, so DashScope answers uncompressed bytes that
// are relayed as they came. Headers named by a `Connection` header are hop-by-hop too (RFC 9110 §7.6.1).

/// Which headers cross the DashScope-native passthrough, in each direction.
enum PassthroughHeaders {
    /// Hop-by-hop fields (and `Content-Length`, which the server sets): never relayed either way.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "trailers", "transfer-encoding", "upgrade", "content-length",
    ]

    /// Request fields forwarded besides `X-DashScope-*`.
    static let forwardedRequestFields: Set<String> = ["content-type", "accept", "user-agent"]

    /// Response fields this server writes itself.
    static let ownResponseFields: Set<String> = ["date", "server", "x-request-id"]

    /// True for a field that is hop-by-hop in a message whose `Connection` values are `connectionNames`.
    static func isHopByHop(_ lowercasedName: String, connectionNames: Set<String>) -> Bool {
        hopByHop.contains(lowercasedName) || lowercasedName.hasPrefix("proxy-") || connectionNames.contains(lowercasedName)
    }

    /// The field names a message's `Connection` headers list, lowercased.
    static func connectionNames(_ values: [String]) -> Set<String> {
        // Usually one `keep-alive` or none; Foundation's trimmingCharacters here showed in the profile.
        var names = Set<String>()
        for value in values {
            for item in value.utf8.split(separator: UInt8(ascii: ",")) {
                let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
                var start = item.startIndex
                var end = item.endIndex
                while start < end, isBlank(item[start]) { start = item.index(after: start) }
                while end > start, isBlank(item[item.index(before: end)]) { end = item.index(before: end) }
                if start < end { names.insert(String(decoding: item[start..<end], as: UTF8.self).lowercased()) }
            }
        }
        return names
    }

    /// The client's fields that go upstream: `X-DashScope-*`, `Content-Type`, `Accept`, `User-Agent`, in order.
    static func upstream(from headers: HTTPHeaders) -> [(name: String, value: String)] {
        let named = connectionNames(headers.values("Connection"))
        return headers.fields.filter { field in
            let name = field.name.lowercased()
            guard !isHopByHop(name, connectionNames: named) else { return false }
            return name.hasPrefix("x-dashscope-") || forwardedRequestFields.contains(name)
        }
    }

    /// DashScope's fields relayed to the client: all but hop-by-hop and this server's own; DashScope's
    /// `x-request-id` becomes `X-DashScope-Request-Id` (the gateway answers with its own `X-Request-Id`).
    static func downstream(from fields: [(name: String, value: String)]) -> HTTPHeaders {
        let named = connectionNames(fields.filter { HTTPHeaders.sameName($0.name, "connection") }.map(\.value))
        var headers = HTTPHeaders()
        for field in fields {
            let name = field.name.lowercased()
            if name == "x-request-id" {
                headers.replace("X-DashScope-Request-Id", field.value)
                continue
            }
            guard !isHopByHop(name, connectionNames: named), !ownResponseFields.contains(name) else { continue }
            headers.add(field.name, field.value)
        }
        return headers
    }
}
