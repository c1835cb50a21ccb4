/// A byte pattern searched in linear time (Knuth–Morris–Pratt): every byte of the text is compared a bounded
/// number of times however often the text almost matches (a body of dashes against a boundary of dashes).
struct BytePattern: Sendable {
    /// The bytes searched for.
    let bytes: [UInt8]
    /// For each prefix length, the length of its longest proper prefix that is also its suffix.
    private let fallback: [Int]

    /// Prepares `bytes` (not empty) for searching.
    init(_ bytes: [UInt8]) {
        precondition(!bytes.isEmpty, "an empty pattern")
        self.bytes = bytes
        var fallback = [Int](repeating: 0, count: bytes.count)
        var length = 0
        for index in 1..<bytes.count {
            while length > 0, bytes[index] != bytes[length] { length = fallback[length - 1] }
            if bytes[index] == bytes[length] { length += 1 }
            fallback[index] = length
        }
        self.fallback = fallback
    }

    /// After `matched` bytes matched and the next one did not: how many bytes still match (the longest proper
    /// prefix of the matched part that is also its suffix).
    func shorterMatch(after matched: Int) -> Int {
        fallback[matched - 1]
    }

    /// The first index at or after `start` where the pattern occurs, ends before `end`, and `accept` holds for
    /// the index; byte comparisons are added to `comparisons`.
    func firstMatch(
        in text: [UInt8], from start: Int, end: Int? = nil, comparisons: inout Int, accept: (Int) -> Bool = { _ in true }
    ) -> Int? {
        let stop = min(end ?? text.count, text.count)
        var matched = 0
        var index = max(0, start)
        while index < stop {
            let byte = text[index]
            comparisons += 1
            while matched > 0, byte != bytes[matched] {
                matched = fallback[matched - 1]
                comparisons += 1
            }
            if byte == bytes[matched] { matched += 1 }
            if matched == bytes.count {
                let found = index + 1 - bytes.count
                if accept(found) { return found }
                matched = fallback[matched - 1]
            }
            index += 1
        }
        return nil
    }
}
