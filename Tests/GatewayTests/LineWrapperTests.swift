@testable import Gateway
import Testing

@Suite struct LineWrapperTests {
    @Test("wrapping", arguments: [
        (42, "Short line", ["Short line"]),
        (42, "The quick brown fox jumps over the lazy dog and runs away",
         ["The quick brown fox jumps over", "the lazy dog and runs away"]),
        (10, "one two three four five six seven", ["one two", "three four", "five six", "seven"]),
        (5, "abcdefghijklmnop", ["abcde", "fghij", "klmno", "p"]),
        (5, "这里是阿里巴巴语音实验室", ["这里是阿里", "巴巴语音实", "验室"]),
        (3, "你好，世界。再见", ["你好，", "世界。", "再见"]),
        (2, "你好，世界。再见", ["你", "好，", "世", "界。", "再见"]),
        (6, "Hello世界", ["Hello", "世界"]),
        (3, "「你好」世界", ["「你", "好」世", "界"]),
        (42, "a\n\n  b\t c ", ["a b c"]),
        (42, "   ", []),
    ] as [(Int, String, [String])])
    func wrap(width: Int, text: String, lines: [String]) {
        #expect(LineWrapper(width: width).wrap(text) == lines)
    }

    @Test("CJK detection", arguments: [
        ("中", true), ("あ", true), ("カ", true), ("한", true), ("。", true), ("，", true), ("a", false), ("é", false),
        ("1", false), (" ", false),
    ] as [(Character, Bool)])
    func cjk(character: Character, expected: Bool) {
        #expect(LineWrapper.isCJK(character) == expected)
    }
}
