// Line breaking for subtitles: Latin text breaks at spaces (the space is dropped); CJK text may break between
// any two characters, except before closing punctuation (，。」…) or after opening punctuation (「（…). A word
// longer than a line is cut hard. Lengths count Characters, so one CJK character counts 1.

/// Wraps subtitle text into lines of at most a given number of characters.
struct LineWrapper: Sendable {
    /// The longest line, in Characters.
    var width: Int

    /// Collapses every whitespace run (newlines included) into one space and trims the ends.
    static func normalize(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The string without leading and trailing whitespace.
    static func trim(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }

    /// The indexes where a new line may start (never 0 nor `characters.count`).
    static func breakOpportunities(in characters: [Character]) -> [Int] {
        guard characters.count > 1 else { return [] }
        return (1..<characters.count).filter { canBreak(before: $0, in: characters) }
    }

    /// Whether a line may start at `index`.
    static func canBreak(before index: Int, in characters: [Character]) -> Bool {
        let previous = characters[index - 1]
        let current = characters[index]
        if current.isWhitespace { return false }
        if previous.isWhitespace { return true }
        guard isCJK(previous) || isCJK(current) else { return false }
        return !noLineStart.contains(current) && !noLineEnd.contains(previous)
    }

    /// Whether a character belongs to a script written without spaces (Han, kana, Hangul, CJK punctuation).
    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first?.value else { return false }
        switch scalar {
        case 0x1100...0x11FF, 0x2E80...0x2FDF, 0x3000...0x303F, 0x3040...0x30FF, 0x3100...0x31FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFE30...0xFE4F,
             0xFF00...0xFFEF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    /// Characters a line must not start with (closing punctuation, CJK prolonged-sound marks).
    private static let noLineStart: Set<Character> = Set(",.!?;:%)]}，。、！？；：）」』】》〉”’…ー々〜～·")
    /// Characters a line must not end with (opening brackets and quotes).
    private static let noLineEnd: Set<Character> = Set("([{（「『【《〈“‘")

    /// The text's lines: one when it fits, two balanced lines when two suffice, else greedy lines.
    func wrap(_ text: String) -> [String] {
        let characters = Array(Self.normalize(text))
        guard characters.count > width else { return characters.isEmpty ? [] : [String(characters)] }
        let breaks = Self.breakOpportunities(in: characters)
        let greedy = greedyLines(characters, breaks: breaks)
        guard greedy.count == 2, let balanced = balancedPair(characters, breaks: breaks) else { return greedy }
        return balanced
    }

    /// The number of lines `wrap` would produce.
    func lineCount(_ text: String) -> Int {
        wrap(text).count
    }

    private func greedyLines(_ characters: [Character], breaks: [Int]) -> [String] {
        var lines: [String] = []
        var start = 0
        while start < characters.count {
            if length(characters, start, characters.count) <= width {
                lines.append(piece(characters, start, characters.count))
                break
            }
            var end = breaks.last { $0 > start && length(characters, start, $0) <= width } ?? 0
            if end <= start { end = min(start + width, characters.count) }
            lines.append(piece(characters, start, end))
            start = end
            while start < characters.count, characters[start].isWhitespace { start += 1 }
        }
        return lines
    }

    private func balancedPair(_ characters: [Character], breaks: [Int]) -> [String]? {
        var best: (index: Int, longest: Int, first: Int)?
        for index in breaks {
            let first = length(characters, 0, index)
            let second = length(characters, index, characters.count)
            guard first <= width, second <= width else { continue }
            let longest = max(first, second)
            if best == nil || longest < best!.longest || (longest == best!.longest && first < best!.first) {
                best = (index, longest, first)
            }
        }
        guard let best else { return nil }
        return [piece(characters, 0, best.index), piece(characters, best.index, characters.count)]
    }

    private func piece(_ characters: [Character], _ start: Int, _ end: Int) -> String {
        Self.trim(String(characters[start..<end]))
    }

    private func length(_ characters: [Character], _ start: Int, _ end: Int) -> Int {
        var lower = start
        var upper = end
        while lower < upper, characters[lower].isWhitespace { lower += 1 }
        while upper > lower, characters[upper - 1].isWhitespace { upper -= 1 }
        return upper - lower
    }
}
