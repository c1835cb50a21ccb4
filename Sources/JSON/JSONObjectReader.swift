// Reading DashScope's answers straight from a parsed `JSONValue`, for the models decoded on hot paths (task polls,
// streamed sentences). Through JSONDecoder those decodes were ~12 % of a local `GET /v1/transcriptions/{id}` in
// the profile. Same rules as their Codable conformances: unknown members ignored, `null` is absent, a member of
// the wrong type is an error.

/// A JSON member of an unexpected type (or a missing required one) while reading a DashScope answer.
public struct JSONShapeError: Error, Equatable, CustomStringConvertible {
    /// The member's path, e.g. `output.task_status`.
    public var path: String
    /// Always names the path, never the value.
    public var description: String { "unexpected or missing JSON member \(path)" }

    /// An error at `path`.
    public init(path: String) {
        self.path = path
    }
}

/// Typed access to the members of one JSON object, with error paths.
public struct JSONObjectReader {
    public let members: [String: JSONValue]
    public let path: String

    public init(_ value: JSONValue, path: String = "") throws(JSONShapeError) {
        guard case .object(let members) = value else { throw JSONShapeError(path: path.isEmpty ? "(root)" : path) }
        self.members = members
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The member, or nil when it is absent or `null`.
    public func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    public func string(_ key: String) throws(JSONShapeError) -> String {
        guard let value = try optionalString(key) else { throw JSONShapeError(path: name(key)) }
        return value
    }

    public func optionalString(_ key: String) throws(JSONShapeError) -> String? {
        guard let value = optional(key) else { return nil }
        guard case .string(let text) = value else { throw JSONShapeError(path: name(key)) }
        return text
    }

    public func optionalInt(_ key: String) throws(JSONShapeError) -> Int? {
        guard let value = optional(key) else { return nil }
        guard let number = value.intValue else { throw JSONShapeError(path: name(key)) }
        return number
    }

    public func int(_ key: String) throws(JSONShapeError) -> Int {
        guard let value = try optionalInt(key) else { throw JSONShapeError(path: name(key)) }
        return value
    }

    public func optionalBool(_ key: String) throws(JSONShapeError) -> Bool? {
        guard let value = optional(key) else { return nil }
        guard case .bool(let flag) = value else { throw JSONShapeError(path: name(key)) }
        return flag
    }

    public func optionalDouble(_ key: String) throws(JSONShapeError) -> Double? {
        guard let value = optional(key) else { return nil }
        guard case .number(let number) = value else { throw JSONShapeError(path: name(key)) }
        return number
    }

    public func object(_ key: String) throws(JSONShapeError) -> JSONObjectReader {
        guard let value = optional(key) else { throw JSONShapeError(path: name(key)) }
        return try JSONObjectReader(value, path: name(key))
    }

    public func optionalObject(_ key: String) throws(JSONShapeError) -> JSONObjectReader? {
        guard let value = optional(key) else { return nil }
        return try JSONObjectReader(value, path: name(key))
    }

    public func optionalArray(_ key: String) throws(JSONShapeError) -> [JSONValue]? {
        guard let value = optional(key) else { return nil }
        guard case .array(let elements) = value else { throw JSONShapeError(path: name(key)) }
        return elements
    }
}
