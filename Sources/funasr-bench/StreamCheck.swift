import ServerSentEvents

/// Checks one received stream as it arrives: every `result` event in order (ids and `bench_seq` 1…N),
/// nothing missing, the local `done` event when the framing has one; records arrival − send per event.
struct StreamCheck: Sendable {
    /// Result events the stream must carry.
    let expected: Int
    /// True for the local framing, which ends with a `done` event counting the results.
    let expectsDone: Bool
    private var parser = SSEParser()
    /// Result events received in order so far.
    private(set) var results = 0
    /// Arrival minus send time of each result event, in nanoseconds.
    private(set) var latencies: [Int64] = []
    /// What went wrong, if anything.
    private(set) var problems: [String] = []
    /// Arrival time of the first and last result event.
    private(set) var firstArrival: UInt64 = 0
    private(set) var lastArrival: UInt64 = 0
    private var sawDone = false
    private var ended = false

    /// Creates a check for a stream of `expected` results.
    init(expected: Int, expectsDone: Bool) {
        self.expected = expected
        self.expectsDone = expectsDone
        latencies.reserveCapacity(expected)
    }

    /// Feeds bytes that arrived at `arrival` (CLOCK_MONOTONIC ns); returns the result events they completed.
    @discardableResult
    mutating func feed(_ bytes: some Collection<UInt8>, arrival: UInt64) -> Int {
        do {
            let events = try parser.feed(bytes)
            var count = 0
            for event in events where take(event, arrival: arrival) { count += 1 }
            return count
        } catch {
            problem("unparseable event stream: \(error)")
            return 0
        }
    }

    /// The response ended; checks completeness.
    mutating func finish() {
        guard !ended else { return }
        ended = true
        if let last = parser.finish() { _ = take(last, arrival: Monotonic.nanos()) }
        if results != expected { problem("got \(results) of \(expected) result events") }
        if expectsDone, !sawDone { problem("no done event") }
    }

    /// Records a failure (status, connection loss).
    mutating func problem(_ text: String) {
        if problems.count < 5 { problems.append(text) }
    }

    /// True when every event arrived in order and the stream ended properly.
    var isComplete: Bool { ended && problems.isEmpty }

    private mutating func take(_ event: ServerSentEvent, arrival: UInt64) -> Bool {
        switch event.eventType {
        case "result":
            let seq = Self.number(after: "\"bench_seq\":", in: event.data)
            let sent = Self.number(after: "\"bench_sent_ns\":", in: event.data)
            let next = results + 1
            guard event.id == String(next), seq == UInt64(next), let sent else {
                problem("event out of order: expected \(next), got id \(event.id ?? "-") seq \(seq.map(String.init) ?? "-")")
                return false
            }
            results = next
            latencies.append(Int64(bitPattern: arrival &- sent))
            if firstArrival == 0 { firstArrival = arrival }
            lastArrival = arrival
            return true
        case "done":
            sawDone = true
            if Self.number(after: "\"events\":", in: event.data) != UInt64(results) {
                problem("done counts \(event.data), received \(results)")
            }
            return false
        default:
            problem("unexpected \(event.eventType) event: \(event.data.prefix(200))")
            return false
        }
    }

    /// The unsigned integer right after `key` in `text`, if any.
    static func number(after key: String, in text: String) -> UInt64? {
        let bytes = Array(text.utf8)
        let needle = Array(key.utf8)
        guard bytes.count >= needle.count else { return nil }
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) {
                var value: UInt64?
                var cursor = index + needle.count
                while cursor < bytes.count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39 {
                    value = (value ?? 0) * 10 + UInt64(bytes[cursor] - 0x30)
                    cursor += 1
                }
                return value
            }
            index += 1
        }
        return nil
    }
}
