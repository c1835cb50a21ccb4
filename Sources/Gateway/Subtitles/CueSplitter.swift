import DashScope

// A sentence that fits (≤ 7 s and ≤ 2 lines of 42 with its prefix) is one cue. Otherwise it is cut into tokens:
// its words when their text lines up with the sentence text (whitespace ignored), else the line-break pieces of the
// text with times spread in proportion to character offsets. A dynamic program then picks the fewest cues that
// each fit, and among those the most even in length (least sum of squared lengths). A single token that cannot
// fit on its own still makes one cue. Cue text is always a slice of the sentence text, never rebuilt from words.

/// Turns one recognized sentence into one or more subtitle cues.
struct CueSplitter: Sendable {
    /// Wraps cue text into lines.
    var wrapper: LineWrapper
    /// The most lines a cue may show.
    var maxLines: Int
    /// The longest a cue may last, in milliseconds.
    var maxDuration: Int

    /// A piece of the sentence text with the time span it is spoken in.
    struct TimedToken: Equatable {
        var text: String
        var begin: Int
        var end: Int
    }

    /// The cues of one sentence, with `prefix` (e.g. `[speaker 1] `) at the start of each.
    func cues(for sentence: RecognizedSentence, prefix: String) -> [SubtitleCue] {
        let text = LineWrapper.normalize(sentence.text)
        guard !text.isEmpty else { return [] }
        let begin = sentence.beginTime
        let end = max(begin, sentence.endTime ?? sentence.words.last?.endTime ?? begin)
        if fits(prefix + text, duration: end - begin) {
            return [SubtitleCue(start: begin, end: end, lines: wrapper.wrap(prefix + text))]
        }
        let characters = Array(text)
        let tokens = Self.wordTokens(sentence.words, characters)
            ?? Self.proportionalTokens(characters, begin: begin, end: end)
        var cues: [SubtitleCue] = []
        var previousEnd = begin
        for range in split(tokens, prefix: prefix, begin: begin, end: end) {
            let start = min(end, max(previousEnd, range.lowerBound == 0 ? begin : tokens[range.lowerBound].begin))
            let stop = min(end, max(start, range.upperBound == tokens.count ? end : tokens[range.upperBound - 1].end))
            let body = LineWrapper.trim(tokens[range].map(\.text).joined())
            cues.append(SubtitleCue(start: start, end: stop, lines: wrapper.wrap(prefix + body)))
            previousEnd = stop
        }
        return cues
    }

    /// Whether a cue text and duration are within the limits.
    func fits(_ text: String, duration: Int) -> Bool {
        duration <= maxDuration && wrapper.lineCount(text) <= maxLines
    }

    /// The token ranges of the chosen cues.
    func split(_ tokens: [TimedToken], prefix: String, begin: Int, end: Int) -> [Range<Int>] {
        let count = tokens.count
        guard count > 0 else { return [] }
        var best: [(cues: Int, cost: Int, from: Int)?] = Array(repeating: nil, count: count + 1)
        best[0] = (0, 0, 0)
        for upper in 1...count {
            let stop = upper == count ? end : tokens[upper - 1].end
            var text = ""
            for lower in stride(from: upper - 1, through: 0, by: -1) {
                text = tokens[lower].text + text
                let start = lower == 0 ? begin : tokens[lower].begin
                let body = LineWrapper.trim(text)
                if lower < upper - 1, !fits(prefix + body, duration: stop - start) { break }
                guard let previous = best[lower] else { continue }
                let cost = body.count * body.count + (upper < count && !Self.endsClause(body) ? unpunctuatedCutCost : 0)
                let candidate = (cues: previous.cues + 1, cost: previous.cost + cost, from: lower)
                if let current = best[upper],
                   (current.cues, current.cost) <= (candidate.cues, candidate.cost) { continue }
                best[upper] = candidate
            }
        }
        var ranges: [Range<Int>] = []
        var upper = count
        while upper > 0, let step = best[upper] {
            ranges.append(step.from..<upper)
            upper = step.from
        }
        return ranges.reversed()
    }

    // Half a full line squared: a clause boundary wins unless it makes the cues much less even.
    /// The extra cost of a cut that does not follow punctuation.
    private var unpunctuatedCutCost: Int { wrapper.width * wrapper.width / 2 }

    /// Whether text ends with a punctuation mark (a clause boundary, good for a cut).
    static func endsClause(_ text: String) -> Bool {
        text.last?.isPunctuation == true
    }

    /// One token per word when the words spell the sentence text (whitespace ignored); nil otherwise.
    static func wordTokens(_ words: [RecognizedWord], _ characters: [Character]) -> [TimedToken]? {
        let words = words.filter { !($0.text + $0.punctuation).allSatisfy(\.isWhitespace) }
        guard !words.isEmpty else { return nil }
        var position = 0
        var starts: [Int] = []
        for word in words {
            while position < characters.count, characters[position].isWhitespace { position += 1 }
            starts.append(position)
            for character in word.text + word.punctuation where !character.isWhitespace {
                while position < characters.count, characters[position].isWhitespace { position += 1 }
                guard position < characters.count, characters[position] == character else { return nil }
                position += 1
            }
        }
        guard characters[position...].allSatisfy({ $0.isWhitespace || $0.isPunctuation }) else { return nil }
        starts[0] = 0
        starts.append(characters.count)
        return words.indices.map { index in
            TimedToken(
                text: String(characters[starts[index]..<starts[index + 1]]),
                begin: words[index].beginTime, end: max(words[index].beginTime, words[index].endTime)
            )
        }
    }

    /// Tokens cut at line-break opportunities, timed in proportion to their character offsets.
    static func proportionalTokens(_ characters: [Character], begin: Int, end: Int) -> [TimedToken] {
        let bounds = [0] + LineWrapper.breakOpportunities(in: characters) + [characters.count]
        let duration = end - begin
        func time(_ offset: Int) -> Int { begin + duration * offset / characters.count }
        return (0..<bounds.count - 1).map { index in
            TimedToken(
                text: String(characters[bounds[index]..<bounds[index + 1]]),
                begin: time(bounds[index]), end: time(bounds[index + 1])
            )
        }
    }
}
