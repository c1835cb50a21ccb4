// Reading DashScope's answers straight from a parsed `JSONValue`: every model's `init(json:)` uses it (Codable and
// JSONDecoder were ~12 % of a local `GET /v1/transcriptions/{id}` in the profile). The rules: unknown members are
// ignored, `null` is absent, a member of the wrong type (or a missing required one) is an error naming its path.

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
    /// The object's members.
    public let members: [String: JSONValue]
    /// Where this object sits in the document (`output.results[0]`), for error paths.
    public let path: String

    /// Reads `value` as an object; throws when it is not one.
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

    /// A required string member.
    public func string(_ key: String) throws(JSONShapeError) -> String {
        guard let value = try optionalString(key) else { throw JSONShapeError(path: name(key)) }
        return value
    }

    /// A string member, or nil when absent or `null`.
    public func optionalString(_ key: String) throws(JSONShapeError) -> String? {
        guard let value = optional(key) else { return nil }
        guard case .string(let text) = value else { throw JSONShapeError(path: name(key)) }
        return text
    }

    /// A whole-number member, or nil when absent or `null`.
    public func optionalInt(_ key: String) throws(JSONShapeError) -> Int? {
        guard let value = optional(key) else { return nil }
        guard let number = value.intValue else { throw JSONShapeError(path: name(key)) }
        return number
    }

    /// A required whole-number member.
    public func int(_ key: String) throws(JSONShapeError) -> Int {
        guard let value = try optionalInt(key) else { throw JSONShapeError(path: name(key)) }
        return value
    }

    /// A boolean member, or nil when absent or `null`.
    public func optionalBool(_ key: String) throws(JSONShapeError) -> Bool? {
        guard let value = optional(key) else { return nil }
        guard case .bool(let flag) = value else { throw JSONShapeError(path: name(key)) }
        return flag
    }

    /// A number member, or nil when absent or `null`.
    public func optionalDouble(_ key: String) throws(JSONShapeError) -> Double? {
        guard let value = optional(key) else { return nil }
        guard case .number(let number) = value else { throw JSONShapeError(path: name(key)) }
        return number
    }

    /// A required object member, as a reader.
    public func object(_ key: String) throws(JSONShapeError) -> JSONObjectReader {
        guard let value = optional(key) else { throw JSONShapeError(path: name(key)) }
        return try JSONObjectReader(value, path: name(key))
    }

    /// An object member as a reader, or nil when absent or `null`.
    public func optionalObject(_ key: String) throws(JSONShapeError) -> JSONObjectReader? {
        guard let value = optional(key) else { return nil }
        return try JSONObjectReader(value, path: name(key))
    }

    /// An array member, or nil when absent or `null`.
    public func optionalArray(_ key: String) throws(JSONShapeError) -> [JSONValue]? {
        guard let value = optional(key) else { return nil }
        guard case .array(let elements) = value else { throw JSONShapeError(path: name(key)) }
        return elements
    }
}
