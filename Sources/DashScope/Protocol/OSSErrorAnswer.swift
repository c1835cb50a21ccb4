/// An Alibaba OSS error answer (`<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>`), the
/// shape the temporary storage refuses an upload in.
public struct OSSErrorAnswer: Sendable, Equatable {
    /// OSS's code, e.g. `SignatureDoesNotMatch`.
    public var code: String
    /// OSS's message.
    public var message: String
    /// OSS's request id.
    public var requestID: String?

    /// Reads the XML; nil when the body is not an OSS error document.
    public init?(xml body: [UInt8]) {
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        guard text.contains("<Error>"), let code = Self.element("Code", in: text) else { return nil }
        self.code = code
        message = Self.element("Message", in: text) ?? ""
        requestID = Self.element("RequestId", in: text)
    }

    /// The text of the first `<name>…</name>`, with XML's five entities decoded and whitespace trimmed.
    static func element(_ name: String, in text: String) -> String? {
        guard let open = text.firstRange(of: "<\(name)>"),
              let close = text[open.upperBound...].firstRange(of: "</\(name)>")
        else { return nil }
        var value = String(text[open.upperBound..<close.lowerBound])
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
            value = value.replacing(entity, with: character)
        }
        return String(value.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
