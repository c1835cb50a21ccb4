// A text log line is `timestamp level label: message key=value …` and ends at a newline, so a value must not be
// able to end the line (`%0A` in a path is decoded by libmicrohttpd), start a new `key=value` pair (a space) or
// blur where a value ends. Values are written logfmt-style: bare when they are plain visible ASCII without `"`,
// `=` or `\`, else in double quotes with `\\`, `\"`, `\n`, `\r`, `\t` and `\u{XXXX}` for every other control or
// line-separating character. The message keeps its spaces but gets the same escapes for those characters.

/// Escaping of values and messages in text log lines.
enum TextLogEscaping {
    /// Appends `value` bare when it is plain, else quoted and escaped.
    static func appendValue(_ value: String, to line: inout String) {
        if !value.isEmpty, value.utf8.allSatisfy(isBare) {
            line.append(value)
            return
        }
        line.append("\"")
        appendEscaped(value, to: &line, escapingQuotes: true)
        line.append("\"")
    }

    /// Appends `text` with control and line-separating characters escaped (spaces and quotes kept).
    static func appendMessage(_ text: String, to line: inout String) {
        if text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
            line.append(text)
            return
        }
        appendEscaped(text, to: &line, escapingQuotes: false)
    }

    private static func isBare(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "=")
            && byte != UInt8(ascii: "\\")
    }

    private static func appendEscaped(_ text: String, to line: inout String, escapingQuotes: Bool) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": line.append("\\n")
            case "\r": line.append("\\r")
            case "\t": line.append("\\t")
            case "\\" where escapingQuotes: line.append("\\\\")
            case "\"" where escapingQuotes: line.append("\\\"")
            default:
                if needsEscape(scalar) {
                    line.append("\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}")
                } else {
                    line.unicodeScalars.append(scalar)
                }
            }
        }
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
