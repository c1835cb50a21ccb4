// Helpers shared by the parser and serializer tests: a seeded generator, chunkings, and a parse driver.

import ServerSentEvents

/// SplitMix64: a tiny seeded generator, so a failing random split reproduces from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Which cap a parse ran into, without the events the error carries.
enum FailureKind: Equatable, Sendable {
    case lineTooLong
    case eventTooLarge
}

/// Everything observable about one parse of a whole input.
struct ParseOutcome: Equatable, CustomStringConvertible {
    var events: [ServerSentEvent] = []
    var failure: FailureKind?
    var lastEventID = ""
    var reconnectionTime: Int?

    var description: String {
        "events: \(events), failure: \(String(describing: failure)), lastEventID: \(lastEventID.debugDescription), "
            + "reconnectionTime: \(String(describing: reconnectionTime))"
    }
}

/// Feeds `chunks` in order, then finishes; a thrown error ends the parse and keeps the events it carries.
func parse(
    _ chunks: [some Collection<UInt8>],
    maxLineBytes: Int = SSEParser.defaultMaxLineBytes,
    maxEventBytes: Int = SSEParser.defaultMaxEventBytes
) -> ParseOutcome {
    var parser = SSEParser(maxLineBytes: maxLineBytes, maxEventBytes: maxEventBytes)
    var outcome = ParseOutcome()
    do {
        for chunk in chunks {
            outcome.events += try parser.feed(chunk)
        }
        if let last = parser.finish() {
            outcome.events.append(last)
        }
    } catch {
        outcome.events += error.completedEvents
        switch error {
        case .lineTooLong: outcome.failure = .lineTooLong
        case .eventTooLarge: outcome.failure = .eventTooLarge
        }
    }
    outcome.lastEventID = parser.lastEventID
    outcome.reconnectionTime = parser.reconnectionTime
    return outcome
}

/// Parses a string fed whole.
func parse(_ text: String) -> ParseOutcome {
    parse([Array(text.utf8)])
}

/// `input` cut at a few random places (empty chunks included), reproducibly from `seed`.
func randomChunks(of input: [UInt8], seed: UInt64) -> [ArraySlice<UInt8>] {
    var generator = SeededGenerator(seed: seed)
    let cutCount = Int.random(in: 1...8, using: &generator)
    let cuts = (0..<cutCount).map { _ in Int.random(in: 0...input.count, using: &generator) }.sorted()
    var chunks: [ArraySlice<UInt8>] = []
    var start = 0
    for cut in cuts {
        chunks.append(input[start..<cut])
        start = cut
    }
    chunks.append(input[start...])
    return chunks
}

/// The chunk lengths, for failure messages.
func lengths(_ chunks: [ArraySlice<UInt8>]) -> [Int] {
    chunks.map(\.count)
}

/// Concatenated bytes of `events` serialized in `style`.
func serialize(_ events: [ServerSentEvent], style: SSEStyle) -> [UInt8] {
    let serializer = SSESerializer(style: style)
    var bytes: [UInt8] = []
    for event in events {
        serializer.append(event, to: &bytes)
    }
    return bytes
}
