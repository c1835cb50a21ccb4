/// Finds the route for a method and path.
public struct Router: Sendable {
    /// The result of a look-up.
    public enum Match: Sendable {
        /// A route serves it, with these path parameters.
        case found(Route, [String: String])
        /// The path exists for other methods.
        case methodNotAllowed([String])
        /// No route has this path.
        case notFound
    }

    private struct Entry: Sendable {
        let route: Route
        let segments: [Substring]
    }

    private let entries: [Entry]

    /// Creates a router over routes.
    public init(routes: [Route]) {
        entries = routes.map { Entry(route: $0, segments: $0.segments) }
    }

    /// Every route, in registration order.
    public var routes: [Route] { entries.map(\.route) }

    /// Looks up a request; a trailing slash is ignored; HEAD falls back to GET.
    public func match(method: String, path: String) -> Match {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var allowed: [String] = []
        for entry in entries {
            guard let parameters = Self.bind(entry.segments, to: segments) else { continue }
            if entry.route.method == method || (method == "HEAD" && entry.route.method == "GET") {
                return .found(entry.route, parameters)
            }
            allowed.append(entry.route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed)
    }

    private static func bind(_ pattern: [Substring], to path: [Substring]) -> [String: String]? {
        guard pattern.count == path.count else { return nil }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(pattern, path) {
            if expected.first == "{", expected.last == "}" {
                parameters[String(expected.dropFirst().dropLast())] = String(actual)
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }
}
