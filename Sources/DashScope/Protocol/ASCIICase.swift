/// ASCII text compared without case and without building lowercased copies (`lowercased()` allocated a String per
/// header per request on the upstream path). Shared by the upstream client and the gateway's per-request checks.
public enum ASCIICase {
    /// True when `text` equals `lowercase` ignoring ASCII case; `lowercase` must be lowercase ASCII.
    public static func equal(_ text: String, _ lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { equal(text.utf8, $0) }
    }

    /// True when `bytes` equal `lowercase` ignoring ASCII case; `lowercase` must be lowercase ASCII.
    public static func equal<Bytes: Collection<UInt8>, Lowercase: Collection<UInt8>>(_ bytes: Bytes, _ lowercase: Lowercase) -> Bool {
        bytes.count == lowercase.count && hasPrefix(bytes, lowercase)
    }

    /// True when `bytes` start with `lowercase` ignoring ASCII case; `lowercase` must be lowercase ASCII.
    public static func hasPrefix<Bytes: Collection<UInt8>, Lowercase: Collection<UInt8>>(_ bytes: Bytes, _ lowercase: Lowercase) -> Bool {
        bytes.count >= lowercase.count && zip(bytes, lowercase).allSatisfy { byte, wanted in
            byte == wanted || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == wanted)
        }
    }
}
