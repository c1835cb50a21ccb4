import JSON

/// Adds `"parameters":{}` to a JSON object body that has no top-level `parameters`, as text: every other
/// byte stays as the client sent it (DashScope's new workspace domains fail tasks submitted without it).
public enum ParametersInsertion {
    private static let member = Array(#""parameters":{}"#.utf8)

    /// The body with the member inserted after the opening brace, or the body unchanged when it is not a
    /// JSON object or already has `parameters` (anything that is not JSON is left for DashScope to judge).
    public static func apply(to body: [UInt8]) -> [UInt8] {
        guard let object = JSONValue.parse(body)?.objectValue, object["parameters"] == nil else { return body }
        var index = body.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < body.count, isWhitespace(body[index]) { index += 1 }
        guard index < body.count, body[index] == UInt8(ascii: "{") else { return body }
        var next = index + 1
        while next < body.count, isWhitespace(body[next]) { next += 1 }
        let isEmptyObject = next < body.count && body[next] == UInt8(ascii: "}")
        var result = body
        result.insert(contentsOf: isEmptyObject ? member : member + [UInt8(ascii: ",")], at: index + 1)
        return result
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
