/// Header names compared without case and without building lowercased copies (`lowercased()` allocated a String
/// per header per request on the upstream path).
enum ASCIICase {
    /// True when `text` equals `lowercase` ignoring ASCII case; `lowercase` must be lowercase ASCII.
    static func equal(_ text: String, _ lowercase: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        return text.utf8.count == expected.count && zip(text.utf8, expected).allSatisfy { byte, wanted in
            byte == wanted || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == wanted)
        }
    }
}
