import ASCIIText
import MicroHTTPServer

// The native passthrough forwards a short allow-list of request headers (every `X-DashScope-*`, plus
// `Content-Type`, `Accept` and `User-Agent`, which DashScope's SDKs send and DashScope may look at) and
// relays every response header but the hop-by-hop ones. `Authorization` never travels: DashScopeClient
// sets the gateway's key. `Accept-Encoding` is not forwarded, so DashScope answers uncompressed bytes that
// are relayed as they came. Headers named by a `Connection` header are hop-by-hop too (RFC 9110 §7.6.1).

/// Which headers cross the DashScope-native passthrough, in each direction. Names are compared byte-wise without
/// case (no lowercased copy, no set look-up): both lists run on every passthrough request.
enum PassthroughHeaders {
    /// Hop-by-hop fields (and `Content-Length`, which the server sets): never relayed either way.
    static let hopByHop: [StaticString] = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "trailers", "transfer-encoding", "upgrade", "content-length",
    ]

    /// Request fields forwarded besides `X-DashScope-*`.
    static let forwardedRequestFields: [StaticString] = ["content-type", "accept", "user-agent"]

    /// Response fields this server writes itself.
    static let ownResponseFields: [StaticString] = ["date", "server", "x-request-id"]

    /// True for a field that is hop-by-hop in a message whose `Connection` values are `connectionNames` (lowercased).
    static func isHopByHop(_ name: String, connectionNames: Set<String>) -> Bool {
        if isOneOf(name, hopByHop) || ASCIICase.hasPrefix(name, "proxy-") { return true }
        return !connectionNames.isEmpty && connectionNames.contains(name.lowercased())
    }

    /// True when `name` is one of `names` (lowercase) ignoring ASCII case.
    static func isOneOf(_ name: String, _ names: [StaticString]) -> Bool {
        names.contains { ASCIICase.equal(name, $0) }
    }

    /// The field names a message's `Connection` headers list, lowercased.
    static func connectionNames(_ values: [String]) -> Set<String> {
        // Usually one `keep-alive` or none; Foundation's trimmingCharacters here showed in the profile, and
        // splitting the usual lone `keep-alive` still cost ~2k instructions per proxied answer.
        if values.allSatisfy({ ASCIICase.equal($0, "keep-alive") || ASCIICase.equal($0, "close") }) { return [] }
        var names = Set<String>()
        for value in values {
            for item in value.utf8.split(separator: UInt8(ascii: ",")) {
                let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
                var start = item.startIndex
                var end = item.endIndex
                while start < end, isBlank(item[start]) { start = item.index(after: start) }
                while end > start, isBlank(item[item.index(before: end)]) { end = item.index(before: end) }
                // Names the fixed list drops anyway (`keep-alive`) and `close` need no per-field look-up.
                let name = item[start..<end]
                guard start < end, !ASCIICase.equal(name, "close".utf8),
                      !hopByHop.contains(where: { hop in hop.withUTF8Buffer { ASCIICase.equal(name, $0) } })
                else { continue }
                names.insert(String(decoding: name, as: UTF8.self).lowercased())
            }
        }
        return names
    }

    /// The client's fields that go upstream: `X-DashScope-*`, `Content-Type`, `Accept`, `User-Agent`, in order.
    static func upstream(from headers: HTTPHeaders) -> [(name: String, value: String)] {
        let named = connectionNames(headers.values("Connection"))
        return headers.fields.filter { field in
            guard !isHopByHop(field.name, connectionNames: named) else { return false }
            return ASCIICase.hasPrefix(field.name, "x-dashscope-") || isOneOf(field.name, forwardedRequestFields)
        }
    }

    /// DashScope's fields relayed to the client: all but hop-by-hop and this server's own; DashScope's
    /// `x-request-id` becomes `X-DashScope-Request-Id` (the gateway answers with its own `X-Request-Id`).
    static func downstream(from fields: [(name: String, value: String)]) -> HTTPHeaders {
        var connectionValues: [String] = []
        for field in fields where ASCIICase.equal(field.name, "connection") { connectionValues.append(field.value) }
        let named = connectionValues.isEmpty ? [] : connectionNames(connectionValues)
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count)
        for field in fields {
            if ASCIICase.equal(field.name, "x-request-id") {
                headers.replace("X-DashScope-Request-Id", field.value)
                continue
            }
            guard !isHopByHop(field.name, connectionNames: named), !isOneOf(field.name, ownResponseFields) else { continue }
            headers.add(field.name, field.value)
        }
        return headers
    }
}
