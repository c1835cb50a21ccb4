import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves a callback host with getaddrinfo on a Dispatch thread (it blocks; never on the cooperative pool) and
/// picks the address to connect to under the SSRF rule: every resolved address must be public unless the host or
/// that address is allowed. The caller connects to the returned address, never resolving again (no rebinding).
struct WebhookResolver: Sendable {
    /// Hosts and addresses exempt from the rule.
    var configuration: WebhookConfiguration

    /// The address to pin, or why the host may not be called.
    func pin(_ url: CallbackURL) async -> Result<WebhookAddress, WebhookRefusal> {
        if let literal = WebhookAddress(literal: url.host) { return check([literal], host: url.host) }
        let host = url.host
        let addresses: [WebhookAddress]? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Self.resolve(host)) }
        }
        guard let addresses, !addresses.isEmpty else { return .failure(WebhookRefusal("cannot resolve \(host)")) }
        return check(addresses, host: host)
    }

    /// The first address when every one is public or allowed.
    func check(_ addresses: [WebhookAddress], host: String) -> Result<WebhookAddress, WebhookRefusal> {
        if configuration.allows(host), let first = addresses.first { return .success(first) }
        for address in addresses {
            if let restriction = address.restriction, !configuration.allows(address.text) {
                let how = address == WebhookAddress(literal: host) ? "is" : "resolves to"
                return .failure(WebhookRefusal("\(host) \(how) a \(restriction) address (\(address.text)), not in the webhook allow-list"))
            }
        }
        guard let first = addresses.first else { return .failure(WebhookRefusal("no address for \(host)")) }
        return .success(first)
    }

    /// getaddrinfo's TCP addresses for `host` (blocking).
    static func resolve(_ host: String) -> [WebhookAddress]? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(first) }
        var addresses: [WebhookAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            if let sockaddr = current.pointee.ai_addr {
                if current.pointee.ai_family == AF_INET {
                    let raw = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    addresses.append(WebhookAddress(bytes: withUnsafeBytes(of: raw) { Array($0) }))
                } else if current.pointee.ai_family == AF_INET6 {
                    let raw = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(WebhookAddress(bytes: withUnsafeBytes(of: raw) { Array($0) }))
                }
            }
            node = current.pointee.ai_next
        }
        var unique: [WebhookAddress] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        return unique
    }
}

/// Why a callback was not called (SSRF rule or resolution).
struct WebhookRefusal: Error, Sendable, Equatable {
    /// The reason, safe to show on the job view.
    var message: String
    init(_ message: String) { self.message = message }
}
