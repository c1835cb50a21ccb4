import Foundation

// A line-based reader (no YAML library, so no new package dependency). It relies on the layout openapi.yaml
// keeps: paths indented 2 spaces, methods 4, operation keys 6 (`security: []` marks an operation open without
// a local token).

/// The operations of openapi.yaml's `paths:`.
struct OpenAPIPaths {
    /// One operation: method (upper case), path template, and whether it opts out of the local token.
    struct Operation: Hashable, Comparable, CustomStringConvertible {
        let method: String
        let path: String
        let open: Bool

        var key: String { "\(method) \(path)" }
        var description: String { key }

        static func < (lhs: Operation, rhs: Operation) -> Bool { lhs.key < rhs.key }
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The repository's openapi.yaml (found from this file's location).
    static var repositoryFile: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("openapi.yaml")
    }

    /// Every operation under `paths:`, in file order.
    static func parse(_ text: String) -> [Operation] {
        var operations: [(method: String, path: String, open: Bool)] = []
        var inPaths = false
        var currentPath: String?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " }.count
            if indent == 0 {
                inPaths = trimmed == "paths:"
                currentPath = nil
                continue
            }
            guard inPaths, trimmed.hasSuffix(":") || indent == 6 else { continue }
            switch indent {
            case 2:
                var path = String(trimmed.dropLast())
                if path.count >= 2, let quote = path.first, quote == "'" || quote == "\"", path.last == quote {
                    path = String(path.dropFirst().dropLast())
                }
                currentPath = path.hasPrefix("/") ? path : nil
            case 4:
                let name = String(trimmed.dropLast()).lowercased()
                if let path = currentPath, methods.contains(name) {
                    operations.append((name.uppercased(), path, false))
                }
            case 6:
                if trimmed.replacingOccurrences(of: " ", with: "") == "security:[]", !operations.isEmpty {
                    operations[operations.count - 1].open = true
                }
            default:
                continue
            }
        }
        return operations.map { Operation(method: $0.method, path: $0.path, open: $0.open) }
    }
}
