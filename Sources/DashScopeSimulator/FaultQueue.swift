/// Queued faults; each request takes every queued fault that applies to it (one use each).
struct FaultQueue: Sendable {
    struct Entry: Sendable, Equatable {
        var endpoint: SimulatorEndpoint
        var fault: SimulatorFault
        var remaining: Int
    }

    private(set) var entries: [Entry] = []

    /// Queues a fault for the next `count` applicable requests.
    mutating func add(_ fault: SimulatorFault, for endpoint: SimulatorEndpoint, count: Int) {
        guard count > 0 else { return }
        entries.append(Entry(endpoint: endpoint, fault: fault, remaining: count))
    }

    /// Drops every queued fault.
    mutating func removeAll() {
        entries.removeAll()
    }

    /// Takes the faults for a request to `endpoint`; stream-only faults wait for a streaming request.
    mutating func take(for endpoint: SimulatorEndpoint, streaming: Bool) -> [SimulatorFault] {
        var taken: [SimulatorFault] = []
        for index in entries.indices {
            let entry = entries[index]
            guard entry.endpoint == endpoint || entry.endpoint == .any else { continue }
            guard streaming || !entry.fault.needsStream else { continue }
            guard endpoint == .liveAudio || !entry.fault.needsLiveAudio else { continue }
            taken.append(entry.fault)
            entries[index].remaining -= 1
        }
        entries.removeAll { $0.remaining <= 0 }
        return taken
    }
}

/// The faults one request got, sorted into what happens before the head and what happens in a stream.
struct AppliedFaults: Sendable, Equatable {
    var firstByteDelay: Double = 0
    var statusError: SimulatedError?
    var garbage = false
    var dropAfter: Int?
    var errorFrameAfter: Int?
    var stall: (events: Int, seconds: Double)?
    var crlf = false
    var tinyWrites = false
    var plainJSON = false
    var oversizedBody: Int?
    /// Live audio: task-failed after this many results, with code and message.
    var liveTaskFailed: (results: Int, code: String, message: String)?
    /// Live audio: the connection is cut after this many results.
    var liveAbruptClose: Int?

    init(_ faults: [SimulatorFault]) {
        for fault in faults {
            if let error = fault.statusError, statusError == nil { statusError = error }
            switch fault {
            case .slowFirstByte(let seconds): firstByteDelay += max(0, seconds)
            case .garbage: garbage = true
            case .dropAfter(let events): dropAfter = max(0, events)
            case .errorFrameAfter(let events): errorFrameAfter = max(0, events)
            case .stallAfter(let events, let seconds): stall = (max(0, events), max(0, seconds))
            case .crlfLineEnds: crlf = true
            case .tinyWrites: tinyWrites = true
            case .plainJSONInsteadOfSSE: plainJSON = true
            case .oversizedBody(let bytes): oversizedBody = max(0, bytes)
            case .liveTaskFailed(let results, let code, let message): liveTaskFailed = (max(0, results), code, message)
            case .liveAbruptClose(let results): liveAbruptClose = max(0, results)
            case .httpError, .throttled, .internalError: break
            }
        }
    }

    static func == (lhs: AppliedFaults, rhs: AppliedFaults) -> Bool {
        lhs.firstByteDelay == rhs.firstByteDelay && lhs.statusError == rhs.statusError && lhs.garbage == rhs.garbage
            && lhs.dropAfter == rhs.dropAfter && lhs.errorFrameAfter == rhs.errorFrameAfter
            && lhs.stall?.events == rhs.stall?.events && lhs.stall?.seconds == rhs.stall?.seconds
            && lhs.crlf == rhs.crlf && lhs.tinyWrites == rhs.tinyWrites && lhs.plainJSON == rhs.plainJSON
            && lhs.oversizedBody == rhs.oversizedBody && lhs.liveAbruptClose == rhs.liveAbruptClose
            && lhs.liveTaskFailed?.results == rhs.liveTaskFailed?.results && lhs.liveTaskFailed?.code == rhs.liveTaskFailed?.code
    }
}
