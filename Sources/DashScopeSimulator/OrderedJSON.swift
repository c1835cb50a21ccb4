import JSON

/// An answer body whose object members are written in the order given, DashScope's order.
///
/// `JSONValue` sorts keys; DashScope does not (its answers start with `"request_id"`), and the gateway's tests rely
/// on that order to tell relayed bytes from re-encoded ones. Only the order lives here: values are `JSONValue`s and
/// every key and string goes through the JSON module's writer, the project's one escaper.
indirect enum OrderedJSON: Sendable {
    /// Any JSON value, written by `JSONValue.serialized()` (objects inside it with sorted keys).
    case value(JSONValue)
    /// An array of ordered values.
    case array([OrderedJSON])
    /// An object whose members keep the order given.
    case object([(key: String, value: OrderedJSON)])

    /// Builds an object from pairs, dropping pairs whose value is nil.
    static func obj(_ pairs: KeyValuePairs<String, OrderedJSON?>) -> OrderedJSON {
        .object(pairs.compactMap { pair in pair.value.map { (key: pair.key, value: $0) } })
    }

    /// A string.
    static func string(_ text: String) -> OrderedJSON { .value(.string(text)) }

    /// A whole number.
    static func int(_ number: Int) -> OrderedJSON { .value(.number(Double(number))) }

    /// A bool.
    static func bool(_ flag: Bool) -> OrderedJSON { .value(.bool(flag)) }

    /// Compact JSON text.
    func serialized() -> String {
        String(decoding: bytes(), as: UTF8.self)
    }

    /// Compact JSON bytes: no spaces, non-ASCII text as UTF-8, `/` unescaped, like DashScope.
    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .value(let value): out += value.serialized()
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
                out += JSONWriter.quoted(member.key).utf8
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
