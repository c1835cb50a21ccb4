import FoundationEssentials

/// A JSON value with ordered object members, so responses keep DashScope's key order.
///
/// Parsing goes through `JSONDecoder` (strict: `true` is never a number and `1` never a bool);
/// members of parsed objects come back sorted by key, which only matters for echoing.
enum SimJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([SimJSON])
    case object([Member])

    /// One key/value pair of an object.
    struct Member: Sendable, Equatable {
        var key: String
        var value: SimJSON
    }

    /// Builds an object from pairs, dropping pairs whose value is nil.
    static func obj(_ pairs: KeyValuePairs<String, SimJSON?>) -> SimJSON {
        .object(pairs.compactMap { pair in pair.value.map { Member(key: pair.key, value: $0) } })
    }

    /// Parses bytes; nil when they are not JSON.
    static func parse(_ bytes: [UInt8]) -> SimJSON? {
        guard !bytes.isEmpty else { return nil }
        return (try? JSONDecoder().decode(DecodedJSON.self, from: Data(bytes)))?.value
    }

    /// The member of an object, or nil.
    subscript(key: String) -> SimJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The string payload, or nil.
    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer payload (also from a whole double), or nil.
    var int: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 1e15: return Int(value)
        default: return nil
        }
    }

    /// The bool payload, or nil.
    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The array payload, or nil.
    var array: [SimJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// True for objects.
    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// Compact serialization; non-ASCII text stays UTF-8 and `/` is not escaped, like DashScope.
    func serialized() -> String {
        String(decoding: bytes(), as: UTF8.self)
    }

    /// Compact serialization as bytes.
    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .int(let value): out += Array(String(value).utf8)
        case .double(let value):
            let text = value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
            out += Array(text.utf8)
        case .string(let value): SimJSON.writeString(value, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                SimJSON.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                out += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The `Decodable` bridge for `SimJSON`.
private struct DecodedJSON: Decodable {
    let value: SimJSON

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: Key.self) {
            let members = try keyed.allKeys.sorted { $0.stringValue < $1.stringValue }.map { key in
                SimJSON.Member(key: key.stringValue, value: try keyed.decode(DecodedJSON.self, forKey: key).value)
            }
            value = .object(members)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var items: [SimJSON] = []
            while !unkeyed.isAtEnd { items.append(try unkeyed.decode(DecodedJSON.self).value) }
            value = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            value = .null
        } else if let flag = try? single.decode(Bool.self) {
            value = .bool(flag)
        } else if let number = try? single.decode(Int.self) {
            value = .int(number)
        } else if let number = try? single.decode(Double.self) {
            value = .double(number)
        } else {
            value = .string(try single.decode(String.self))
        }
    }
}
