// Header values, form fields and configuration lists are trimmed of surrounding whitespace in many places;
// this is the one helper, so no module needs Foundation (and its ~6 MB of resident libraries) for it.

extension StringProtocol {
    /// The text without leading and trailing whitespace (spaces, tabs, newlines, Unicode spaces).
    public func trimmingWhitespace() -> String {
        // Both ends plain ASCII and not whitespace (nearly every header value): nothing to trim, and no walk over
        // Characters, which breaks graphemes (~3.6k instructions per request for the Host check alone). Exact: a
        // Character that ends (or starts) with such a byte is not whitespace.
        let plainEnds = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.isEmpty && Self.isPlainEnd(bytes[0]) && Self.isPlainEnd(bytes[bytes.count - 1])
        }
        if plainEnds == true { return String(self) }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    private static func isPlainEnd(_ byte: UInt8) -> Bool {
        byte < 0x80 && byte != 0x20 && !(0x09...0x0D).contains(byte)
    }
}
