/// Deterministic synthetic recognition results, seeded by the audio's URL (or bytes).
struct SyntheticTranscript: Sendable, Equatable {
    /// One recognised word; times in ms.
    struct Word: Sendable, Equatable {
        var beginTime: Int
        var endTime: Int
        var text: String
        var punctuation: String
    }

    /// One recognised sentence; times in ms.
    struct Sentence: Sendable, Equatable {
        var id: Int
        var beginTime: Int
        var endTime: Int
        var words: [Word]
        var speakerID: Int?
        /// Words and their punctuation, concatenated.
        var text: String { words.map { $0.text + $0.punctuation }.joined() }
    }

    /// The sentences, in order.
    var sentences: [Sentence]

    /// Speech time only (sum of sentence spans), as DashScope bills it.
    var contentDurationMilliseconds: Int { sentences.reduce(0) { $0 + $1.endTime - $1.beginTime } }
    /// The whole text.
    var text: String { sentences.map(\.text).joined() }
    /// Where the last sentence ends.
    var endTime: Int { sentences.last?.endTime ?? 0 }

    /// Wraps given sentences.
    init(sentences: [Sentence]) {
        self.sentences = sentences
    }

    /// Generates `sentenceCount` sentences (a range picks deterministically) from the seed.
    init(seed: String, sentenceCount: ClosedRange<Int>, speakers: Int? = nil) {
        var random = SeededRandom(seed: seed)
        let count = random.next(in: sentenceCount)
        var clock = random.next(in: 80...800) / 20 * 20
        var result: [Sentence] = []
        for index in 0..<count {
            let useChinese = random.next(in: 0...1) == 0
            let pool = useChinese ? TranscriptCorpus.chinese : TranscriptCorpus.english
            let line = pool[random.next(in: 0...(pool.count - 1))]
            let begin = clock
            var words: [Word] = []
            for token in TranscriptCorpus.words(of: line) {
                let letters = token.text.trimmingPrefix(" ").count
                let perUnit = token.text.unicodeScalars.contains { $0.value > 0x2E80 } ? 180 : 55
                let length = (letters * perUnit + random.next(in: 60...200)) / 20 * 20
                words.append(Word(beginTime: clock, endTime: clock + length, text: token.text, punctuation: token.punctuation))
                clock += length + (token.punctuation.isEmpty ? 0 : 120)
            }
            let end = words.last?.endTime ?? clock
            let speaker = speakers.map { index % max(1, $0) }
            result.append(Sentence(id: index + 1, beginTime: begin, endTime: end, words: words, speakerID: speaker))
            clock = end + random.next(in: 300...900) / 20 * 20
        }
        sentences = result
    }
}

/// A small SplitMix64 generator seeded with FNV-1a of a string: same seed, same transcript, on every platform.
struct SeededRandom: Sendable {
    private var state: UInt64

    init(seed: String) {
        state = Fingerprint.fnv1a(Array(seed.utf8))
    }

    /// The next raw value.
    mutating func nextRaw() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in the closed range.
    mutating func next(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(nextRaw() % span)
    }
}

/// Stable, non-cryptographic fingerprints (FNV-1a 64).
enum Fingerprint {
    static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        // Contiguous bytes (an uploaded file, up to 100 MB) are hashed through a raw pointer: iterating a slice
        // generically cost ~15 s for 60 MB in a debug build.
        if let hash = bytes.withContiguousStorageIfAvailable({ buffer -> UInt64 in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            guard let base = buffer.baseAddress else { return hash }
            var index = 0
            while index < buffer.count {
                hash = (hash ^ UInt64(base[index])) &* 0x0000_0100_0000_01B3
                index += 1
            }
            return hash
        }) {
            return hash
        }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// A lowercase hex fingerprint of text.
    static func hex(_ text: String) -> String {
        let value = String(fnv1a(Array(text.utf8)), radix: 16)
        return String(repeating: "0", count: 16 - value.count) + value
    }
}
