// A text log line is `timestamp level label: message key=value …` and ends at a newline, so a value must not be
// able to end the line (`%0A` in a path is decoded by libmicrohttpd), start a new `key=value` pair (a space) or
// blur where a value ends. Values are written logfmt-style: bare when they are plain visible ASCII without `"`,
// `=` or `\`, else in double quotes with `\\`, `\"`, `\n`, `\r`, `\t` and `\u{XXXX}` for every other control or
// line-separating character. The message keeps its spaces but gets the same escapes for those characters.

/// Escaping of values and messages in text log lines, appended as UTF-8 bytes (appending to a `String` piece by
/// piece cost ~350 instructions per append in the profile, ~15k per access-log line).
enum TextLogEscaping {
    /// Appends `value` bare when it is plain, else quoted and escaped.
    static func appendValue(_ value: String, to line: inout [UInt8]) {
        // On the contiguous bytes: iterating `String.UTF8View` cost ~25 instructions a byte.
        var value = value
        let appended = value.withUTF8 { bytes in
            guard !bytes.isEmpty, bytes.allSatisfy(isBare) else { return false }
            line.append(contentsOf: bytes)
            return true
        }
        if appended { return }
        line.append(UInt8(ascii: "\""))
        appendEscaped(value, to: &line, escapingQuotes: true)
        line.append(UInt8(ascii: "\""))
    }

    /// Appends `text` with control and line-separating characters escaped (spaces and quotes kept).
    static func appendMessage(_ text: String, to line: inout [UInt8]) {
        var text = text
        let appended = text.withUTF8 { bytes in
            guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else { return false }
            line.append(contentsOf: bytes)
            return true
        }
        if appended { return }
        appendEscaped(text, to: &line, escapingQuotes: false)
    }

    private static func isBare(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "=")
            && byte != UInt8(ascii: "\\")
    }

    private static func appendEscaped(_ text: String, to line: inout [UInt8], escapingQuotes: Bool) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": line.append(contentsOf: "\\n".utf8)
            case "\r": line.append(contentsOf: "\\r".utf8)
            case "\t": line.append(contentsOf: "\\t".utf8)
            case "\\" where escapingQuotes: line.append(contentsOf: "\\\\".utf8)
            case "\"" where escapingQuotes: line.append(contentsOf: "\\\"".utf8)
            default:
                if needsEscape(scalar) {
                    line.append(contentsOf: "\\u{".utf8)
                    line.append(contentsOf: String(scalar.value, radix: 16, uppercase: true).utf8)
                    line.append(UInt8(ascii: "}"))
                } else {
                    UTF8.encode(scalar) { line.append($0) }
                }
            }
        }
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
