import MicroHTTPServer
import Testing

/// Trimming keeps the inside of a value and drops Unicode whitespace at its ends, on the plain-ASCII fast path
/// and the Character walk alike.
@Suite struct WhitespaceTrimmingTests {
    @Test(arguments: [
        ("localhost:8080", "localhost:8080"), (" localhost ", "localhost"), ("\tgzip, br\r\n", "gzip, br"),
        ("a b", "a b"), ("", ""), ("  \t ", ""), ("\r\n", ""), ("\u{00A0}nbsp\u{2003}", "nbsp"),
        ("e\u{301}", "e\u{301}"), ("日本 ", "日本"), ("x\u{85}", "x"),
    ])
    func trimsOnlyTheEnds(_ text: String, _ expected: String) {
        #expect(text.trimmingWhitespace() == expected)
        #expect(("[" + text + "]").dropFirst().dropLast().trimmingWhitespace() == expected)
    }
}
