/// ASCII text compared without case and without building lowercased copies (`lowercased()` allocated a String per
/// header per request on the upstream path). Shared by the upstream client and the gateway's per-request checks.
/// Inlinable, so each caller gets a version specialised to its byte collections: called across modules as
/// unspecialised generics, these cost a runtime metadata look-up per call (~1.5k instructions per header).
public enum ASCIICase {
    /// True when `text` equals `lowercase` ignoring ASCII case; `lowercase` must be lowercase ASCII.
    @inlinable
    public static func equal(_ text: String, _ lowercase: StaticString) -> Bool {
        // On contiguous bytes: iterating `String.UTF8View` cost ~10 instructions a byte.
        guard text.utf8.count == lowercase.utf8CodeUnitCount else { return false }
        var text = text
        return text.withUTF8 { bytes in lowercase.withUTF8Buffer { hasPrefix(bytes, $0) } }
    }

    /// True when `text` starts with `lowercase` ignoring ASCII case; `lowercase` must be lowercase ASCII.
    @inlinable
    public static func hasPrefix(_ text: String, _ lowercase: StaticString) -> Bool {
        var text = text
        return text.withUTF8 { bytes in lowercase.withUTF8Buffer { hasPrefix(bytes, $0) } }
    }

    /// True when `bytes` equal `lowercase` ignoring ASCII case; `lowercase` must be lowercase ASCII.
    @inlinable
    public static func equal<Bytes: Collection<UInt8>, Lowercase: Collection<UInt8>>(_ bytes: Bytes, _ lowercase: Lowercase) -> Bool {
        bytes.count == lowercase.count && hasPrefix(bytes, lowercase)
    }

    /// True when `bytes` start with `lowercase` ignoring ASCII case; `lowercase` must be lowercase ASCII.
    @inlinable
    public static func hasPrefix<Bytes: Collection<UInt8>, Lowercase: Collection<UInt8>>(_ bytes: Bytes, _ lowercase: Lowercase) -> Bool {
        guard bytes.count >= lowercase.count else { return false }
        var index = bytes.startIndex
        for wanted in lowercase {
            let byte = bytes[index]
            guard byte == wanted || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == wanted) else {
                return false
            }
            bytes.formIndex(after: &index)
        }
        return true
    }

    /// True when two names are equal ignoring ASCII case (neither needs to be lowercase).
    @inlinable
    public static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for index in 0..<x.count where x[index] != y[index] {
                    let lower = x[index] | 0x20
                    guard lower == y[index] | 0x20, lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else { return false }
                }
                return true
            }
        }
    }
}
