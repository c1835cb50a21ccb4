/// How the SSE upstream paces one stream: `slowEvents` one every `slowIntervalMs`, then `events` one
/// every `intervalMs` (0 = as fast as the connection takes them).
///
/// The plan travels inside the audio URL (`…/sse-N-MS-SLOW-SLOWMS.wav`), the one field every route
/// (direct, nginx, the gateway's local and passthrough routes) forwards unchanged.
struct StreamPlan: Sendable, Equatable {
    var events: Int
    var intervalMs: Int
    var slowEvents: Int = 0
    var slowIntervalMs: Int = 0

    /// Every event the stream carries.
    var totalEvents: Int { slowEvents + events }

    /// The audio URL that encodes the plan.
    var audioURL: String {
        "http://bench.invalid/audio/sse-\(events)-\(intervalMs)-\(slowEvents)-\(slowIntervalMs).wav"
    }

    /// The pause before event `index` (0-based), in milliseconds.
    func pauseBefore(_ index: Int) -> Int {
        index < slowEvents ? slowIntervalMs : intervalMs
    }

    /// Finds the plan in a request body; nil when it carries none.
    static func find(in body: [UInt8]) -> StreamPlan? {
        let marker = Array("/sse-".utf8)
        guard body.count > marker.count else { return nil }
        var start = 0
        while start + marker.count <= body.count {
            if body[start..<(start + marker.count)].elementsEqual(marker) { break }
            start += 1
        }
        guard start + marker.count <= body.count else { return nil }
        var numbers: [Int] = []
        var current: Int?
        for byte in body[(start + marker.count)...] {
            if byte >= 0x30, byte <= 0x39 {
                current = (current ?? 0) * 10 + Int(byte - 0x30)
            } else if byte == UInt8(ascii: "-"), let value = current {
                numbers.append(value)
                current = nil
            } else {
                if let value = current { numbers.append(value) }
                break
            }
        }
        guard numbers.count == 4 else { return nil }
        return StreamPlan(events: numbers[0], intervalMs: numbers[1], slowEvents: numbers[2], slowIntervalMs: numbers[3])
    }
}
