/// Any JSON value, kept as parsed so unknown fields survive a round trip.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses JSON bytes; nil when they are not JSON.
    public static func parse(_ bytes: some Collection<UInt8>) -> JSONValue? {
        JSONReader.read(Array(bytes))
    }

    /// Serializes compactly with sorted keys (stable output for tests and caches).
    public func serialized() -> [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }

    /// The member of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string payload, or nil.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number payload, or nil.
    public var doubleValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number payload as a whole number, or nil when it has a fraction.
    public var intValue: Int? {
        if case .number(let value) = self { return Self.wholeNumber(value) }
        return nil
    }

    /// The number as an integer when it has no fraction and is exactly representable (|n| < 10^15), else nil:
    /// the one rule for reading counts and for writing numbers without a fraction, as DashScope does.
    static func wholeNumber(_ value: Double) -> Int? {
        value.rounded() == value && abs(value) < 1e15 ? Int(value) : nil
    }

    /// The bool payload, or nil.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The array payload, or nil.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object payload, or nil.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    /// A string literal as a JSON string.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}
