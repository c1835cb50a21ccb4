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

    private final class Entry: Sendable {
        let route: Route
        let segments: [Substring]
        /// Which segments are `{name}` parameters.
        let isParameter: [Bool]
        /// The parameter's name for each `{name}` segment.
        let parameterNames: [String?]

        init(route: Route) {
            self.route = route
            self.segments = route.segments
            self.isParameter = segments.map { $0.first == "{" && $0.last == "}" }
            self.parameterNames = zip(segments, isParameter).map { $1 ? String($0.dropFirst().dropLast()) : nil }
        }
    }

    private let entries: [Entry]
    /// Entries by segment count, in registration order: a look-up only compares paths of its own length.
    private let entriesByLength: [Int: [Entry]]

    /// Creates a router over routes.
    public init(routes: [Route]) {
        entries = routes.map(Entry.init(route:))
        entriesByLength = Dictionary(grouping: entries, by: \.segments.count)
    }

    /// Every route, in registration order.
    public var routes: [Route] { entries.map(\.route) }

    /// Looks up a request; a trailing slash is ignored; HEAD falls back to GET.
    public func match(method: String, path: String) -> Match {
        let segments = Self.segments(of: path)
        var allowed: [String] = []
        for entry in entriesByLength[segments.count] ?? [] {
            guard let parameters = Self.bind(entry, to: segments) else { continue }
            if entry.route.method == method || (method == "HEAD" && entry.route.method == "GET") {
                return .found(entry.route, parameters)
            }
            allowed.append(entry.route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed)
    }

    /// The path's non-empty `/`-separated segments, found on its contiguous UTF-8 bytes: splitting the String by
    /// Characters cost ~22k instructions for a task path, splitting its `UTF8View` ~4k.
    static func segments(of path: String) -> [Substring] {
        let utf8 = path.utf8
        let found = utf8.withContiguousStorageIfAvailable { bytes -> [Substring] in
            var segments: [Substring] = []
            var start = 0
            for offset in 0...bytes.count where offset == bytes.count || bytes[offset] == UInt8(ascii: "/") {
                if offset > start {
                    let from = utf8.index(utf8.startIndex, offsetBy: start)
                    segments.append(Substring(utf8[from..<utf8.index(from, offsetBy: offset - start)]))
                }
                start = offset + 1
            }
            return segments
        }
        return found ?? path.utf8.split(separator: UInt8(ascii: "/")).map(Substring.init)
    }

    /// The path's parameters when every literal segment matches (checked first, so a miss allocates nothing).
    private static func bind(_ entry: Entry, to path: [Substring]) -> [String: String]? {
        for index in path.indices where !entry.isParameter[index] && entry.segments[index] != path[index] {
            return nil
        }
        var parameters: [String: String] = [:]
        for index in path.indices {
            if let name = entry.parameterNames[index] { parameters[name] = String(path[index]) }
        }
        return parameters
    }
}
