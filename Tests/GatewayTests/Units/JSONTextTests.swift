@testable import JSON
import DashScope
import Foundation
import Testing

/// The hand-written JSON reader and writer behind `JSONValue.parse` and `serialized()`, checked against
/// Foundation's JSONDecoder/JSONEncoder (the implementation they replaced) on the same texts.
@Suite struct JSONTextTests {
    static let documents: [String] = [
        #"{"output":{"task_id":"8d4f","task_status":"SUCCEEDED","results":[{"file_url":"https://x/a.wav","subtask_status":"SUCCEEDED"}]},"usage":{"duration":9},"request_id":"r-1"}"#,
        #"[1, -2, 3.5, 1e3, -0.25, 0, 1E-2, 12345678901234, 2.5e+20]"#,
        #"{"a":"tab\there","b":"quote \" backslash \\ slash \/","c":"\u00e9\u4e2d\ud83d\ude00","d":null,"e":true,"f":false}"#,
        #"  {"nested":{"deeper":{"deepest":[[],[{}],{"k":[null]}]}}}  "#,
        #""a top-level string""#,
        "42",
        "{\"raw\":\"日本語 and emoji 😀 straight\"}",
    ]

    @Test(arguments: documents)
    func readsWhatFoundationReads(text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(JSONValue.parse(Array(text.utf8)) == expected)
    }

    @Test(arguments: documents)
    func writesWhatFoundationWrote(text: String) throws {
        let value = try #require(JSONValue.parse(Array(text.utf8)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let foundation = try encoder.encode(value)
        #expect(String(decoding: value.serialized(), as: UTF8.self) == String(decoding: foundation, as: UTF8.self))
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "-", "1e", "+1",
        "tru", "nulls", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\ud83d alone\"", "\"raw\ncontrol\"",
        "{} {}", "[1]]", "NaN", "1e999",
    ])
    func rejectsWhatIsNotJSON(text: String) {
        #expect(JSONValue.parse(Array(text.utf8)) == nil)
    }

    @Test func rejectsInvalidUTF8InStrings() {
        #expect(JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) == nil)
        #expect(JSONValue.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) == nil)
    }

    @Test func aRepeatedKeyKeepsItsLastValueAsJavaScriptAndPythonDo() {
        // Foundation kept the first; RFC 8259 leaves it open. DashScope never repeats a key.
        #expect(JSONValue.parse(Array(#"{"dup":1,"dup":2}"#.utf8)) == .object(["dup": .number(2)]))
    }

    @Test func acceptsAByteOrderMark() {
        #expect(JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[true]".utf8)) == .array([.bool(true)]))
    }

    @Test func refusesNestingDeeperThanTheLimitWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(JSONValue.parse(Array(deep.utf8)) == nil)
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(JSONValue.parse(Array(fine.utf8)) != nil)
    }

    @Test func escapesControlCharactersAndKeepsOtherTextRaw() {
        let value = JSONValue.object(["k": .string("a\u{01}b\u{1F}c/é\"\\\n")])
        #expect(String(decoding: value.serialized(), as: UTF8.self) == #"{"k":"a\u0001b\u001fc/é\"\\\n"}"#)
    }

    @Test func escapesDeleteAndTheUnicodeLineSeparatorsThatBreakLogLinesAndScripts() {
        let text = "a\u{7F}b\u{2028}c\u{2029}d\u{2027}e\u{2030}"
        #expect(JSONWriter.quoted(text) == #""a\u007fb\u2028c\u2029d"# + "\u{2027}e\u{2030}\"")
        let parsed = JSONValue.parse(Array(JSONWriter.quoted(text).utf8))
        #expect(parsed == .string(text), "the escapes read back as the same text")
    }

    @Test func escapingMatchesAByteByByteEscaperOnTextsFullOfEdges() {
        // Strings built from the pieces where a run ends: escapes, U+2028/9 and their neighbours, E2 sequences cut
        // short, CJK (its continuation bytes include A8/A9), at the start, middle and end.
        let pieces = ["a", "\"", "\\", "\n", "\u{01}", "\u{7F}", "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}", "\u{2000}",
                      "文", "讨", "é", "😀", "/", " "]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(JSONWriter.quoted(text) == Self.referenceQuoted(text), "\(Array(text.unicodeScalars))")
            #expect(JSONValue.parse(Array(JSONWriter.quoted(text).utf8)) == .string(text))
        }
    }

    /// The escaper as written before runs were copied whole: one scalar at a time.
    static func referenceQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    @Test func writesWholeNumbersWithoutAFraction() {
        let value = JSONValue.array([.number(3), .number(-0.5), .number(1e16), .number(.infinity)])
        #expect(String(decoding: value.serialized(), as: UTF8.self) == "[3,-0.5,1e+16,null]")
    }
}

/// Foundation's view of `JSONValue`, only to compare the hand-written reader and writer with JSONDecoder/JSONEncoder
/// (the gateway itself never goes through Codable).
extension JSONValue: Codable {
    /// Decodes any JSON value.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value; whole numbers are written without a fraction.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if let whole = Self.wholeNumber(value) {
                try container.encode(Int64(whole))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
