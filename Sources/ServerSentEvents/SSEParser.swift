// An incremental parser for the WHATWG `text/event-stream` format
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
//
// Bytes are scanned in place; only the unterminated tail of a chunk is copied (into `pendingLine`), so a line
// split across chunks is reassembled once and the work stays linear in the input. Lines are decoded from UTF-8
// only when complete, so a multi-byte character split across chunks survives; invalid UTF-8 becomes U+FFFD.
//
// Deliberate differences from the spec, both for a relay in front of DashScope:
// - `finish()` treats the end of input as a line ending followed by a blank line, so a stream cut without its
//   trailing blank line (or even its last line ending) still delivers its last event. The spec discards it. This
//   is also what DashScope's Python SDK does (it reads with `iter_lines`, which yields an unterminated last line).
//   `finish()` returns nil when the stream had already failed, or when that last line breaks `maxEventBytes`.
// - An event is dispatched only when its block had at least one `data` line; a block of only comments (such as
//   a keep-alive) is not, and its comments are dropped with it.
// - Comments keep their text minus the leading colon and minus one optional space, like field values.
// Memory is bounded: a line may not exceed `maxLineBytes` and one event's data and comments `maxEventBytes`.

/// Incremental `text/event-stream` parser: feed bytes as they arrive, receive each completed event.
public struct SSEParser: Sendable {
    /// The default cap on the bytes of one line: 1 MiB.
    public static let defaultMaxLineBytes = 1 << 20
    /// The default cap on the data and comment bytes of one event: 16 MiB.
    public static let defaultMaxEventBytes = 16 << 20

    /// The longest line accepted, in bytes without the line ending; a longer one makes `feed` throw.
    public let maxLineBytes: Int
    /// The most data and comment bytes one event may gather; more makes `feed` throw.
    public let maxEventBytes: Int
    /// The spec's last event ID: the latest `id` value without NUL, committed at each blank line; kept by `finish`.
    public private(set) var lastEventID = ""
    /// The latest valid `retry` value in milliseconds (the spec's reconnection time); kept by `finish`.
    public private(set) var reconnectionTime: Int?

    /// Bytes of a line whose line ending has not arrived yet.
    private var pendingLine: [UInt8] = []
    /// True until the first three bytes decided whether the stream starts with a UTF-8 byte order mark.
    private var atStreamStart = true
    /// How many bytes of the byte order mark matched so far.
    private var byteOrderMarkBytesSeen = 0
    /// The previous chunk ended with CR: a LF starting the next chunk belongs to the same line ending.
    private var skipNextLineFeed = false
    /// Set once a cap was passed; the parser then refuses input until `finish`.
    private var failure: Failure?
    /// The spec's last event ID buffer, committed to `lastEventID` at each blank line.
    private var lastEventIDBuffer = ""
    /// The fields of the event being gathered.
    private var block = Block()

    /// Creates a parser; the caps bound the memory a misbehaving upstream can make it hold.
    public init(maxLineBytes: Int = SSEParser.defaultMaxLineBytes, maxEventBytes: Int = SSEParser.defaultMaxEventBytes) {
        precondition(maxLineBytes > 0 && maxEventBytes > 0, "SSEParser caps must be positive")
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
    }

    /// Consumes the next bytes of the stream and returns the events they complete, in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(SSEParserError) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        let failed = consume(bytes as? [UInt8] ?? Array(bytes), into: &events)
        switch failed {
        case nil: return events
        case .lineTooLong: throw .lineTooLong(limit: maxLineBytes, completedEvents: events)
        case .eventTooLarge: throw .eventTooLarge(limit: maxEventBytes, completedEvents: events)
        }
    }

    /// Ends the stream: dispatches the last event even without its blank line, then readies the parser for a new stream.
    public mutating func finish() -> ServerSentEvent? {
        defer { resetStream() }
        guard failure == nil else { return nil }
        if atStreamStart {
            pendingLine.append(contentsOf: Self.byteOrderMark[..<byteOrderMarkBytesSeen])
        }
        var events: [ServerSentEvent] = []
        if !pendingLine.isEmpty {
            let line = pendingLine
            if processLine(line[...], into: &events) != nil { return nil }
        }
        dispatch(into: &events)
        return events.first
    }

    // MARK: - Lines

    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    private static let colon: UInt8 = 0x3A
    private static let space: UInt8 = 0x20
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    /// Buffers larger than this are released instead of kept for reuse after an unusually long line or event.
    private static let retainedCapacity = 64 * 1024

    private enum Failure { case lineTooLong, eventTooLarge }

    private mutating func consume(_ chunk: [UInt8], into events: inout [ServerSentEvent]) -> Failure? {
        if let failure { return failure }
        var index = 0
        let end = chunk.count
        if atStreamStart {
            index = skipByteOrderMark(chunk)
            if atStreamStart { return nil }
        }
        if skipNextLineFeed, index < end {
            skipNextLineFeed = false
            if chunk[index] == Self.lineFeed { index += 1 }
        }
        var lineStart = index
        while index < end {
            let byte = chunk[index]
            index += 1
            guard byte <= Self.carriageReturn, byte == Self.lineFeed || byte == Self.carriageReturn else { continue }
            if let failed = completeLine(chunk[lineStart..<index - 1], into: &events) {
                return failed
            }
            if byte == Self.carriageReturn {
                if index == end {
                    skipNextLineFeed = true
                } else if chunk[index] == Self.lineFeed {
                    index += 1
                }
            }
            lineStart = index
        }
        if lineStart < end {
            guard pendingLine.count + (end - lineStart) <= maxLineBytes else { return fail(.lineTooLong) }
            pendingLine.append(contentsOf: chunk[lineStart..<end])
        }
        return nil
    }

    /// Consumes a leading byte order mark, even one split across chunks; returns the index of the first other byte.
    private mutating func skipByteOrderMark(_ chunk: [UInt8]) -> Int {
        var index = 0
        while index < chunk.count {
            guard chunk[index] == Self.byteOrderMark[byteOrderMarkBytesSeen] else {
                // Not a byte order mark after all: the bytes matched so far are ordinary line bytes.
                pendingLine.append(contentsOf: Self.byteOrderMark[..<byteOrderMarkBytesSeen])
                atStreamStart = false
                return index
            }
            index += 1
            byteOrderMarkBytesSeen += 1
            if byteOrderMarkBytesSeen == Self.byteOrderMark.count {
                atStreamStart = false
                return index
            }
        }
        return index
    }

    /// Handles a line whose ending was just found: `tail` is its part in the current chunk.
    private mutating func completeLine(_ tail: ArraySlice<UInt8>, into events: inout [ServerSentEvent]) -> Failure? {
        guard pendingLine.count + tail.count <= maxLineBytes else { return fail(.lineTooLong) }
        if pendingLine.isEmpty { return processLine(tail, into: &events) }
        var line: [UInt8] = []
        swap(&line, &pendingLine)
        line.append(contentsOf: tail)
        let failed = processLine(line[...], into: &events)
        line.removeAll(keepingCapacity: line.capacity <= Self.retainedCapacity)
        pendingLine = line
        return failed
    }

    private mutating func processLine(_ line: ArraySlice<UInt8>, into events: inout [ServerSentEvent]) -> Failure? {
        guard let first = line.first else {
            dispatch(into: &events)
            return nil
        }
        if first == Self.colon {
            let text = Self.value(of: line, afterColonAt: line.startIndex)
            guard block.size + text.count <= maxEventBytes else { return fail(.eventTooLarge) }
            block.size += text.count
            block.comments.append(String(decoding: text, as: UTF8.self))
            return nil
        }
        let colonIndex = line.firstIndex(of: Self.colon)
        let name = colonIndex.map { line[..<$0] } ?? line
        let value = colonIndex.map { Self.value(of: line, afterColonAt: $0) } ?? line[line.endIndex...]
        return processField(name: name, value: value)
    }

    private mutating func processField(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) -> Failure? {
        if Self.matches(name, "data") {
            let added = value.count + (block.hasData ? 1 : 0)
            guard block.size + added <= maxEventBytes else { return fail(.eventTooLarge) }
            if block.hasData { block.data.append(Self.lineFeed) }
            block.data.append(contentsOf: value)
            block.hasData = true
            block.size += added
        } else if Self.matches(name, "event") {
            block.event = String(decoding: value, as: UTF8.self)
        } else if Self.matches(name, "id") {
            guard !value.contains(0) else { return nil }
            let id = String(decoding: value, as: UTF8.self)
            lastEventIDBuffer = id
            block.id = id
        } else if Self.matches(name, "retry") {
            guard let milliseconds = Self.decimal(value) else { return nil }
            reconnectionTime = milliseconds
            block.retry = milliseconds
        }
        return nil
    }

    /// The spec's "dispatch the event" step, run at each blank line.
    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        lastEventID = lastEventIDBuffer
        if block.hasData {
            events.append(ServerSentEvent(
                id: block.id,
                event: block.event?.isEmpty == false ? block.event : nil,
                data: String(decoding: block.data, as: UTF8.self),
                retry: block.retry,
                comments: block.comments
            ))
        }
        block.reset()
    }

    private mutating func fail(_ failure: Failure) -> Failure {
        self.failure = failure
        return failure
    }

    private mutating func resetStream() {
        pendingLine.removeAll(keepingCapacity: pendingLine.capacity <= Self.retainedCapacity)
        atStreamStart = true
        byteOrderMarkBytesSeen = 0
        skipNextLineFeed = false
        failure = nil
        block.reset()
    }

    /// The value after the colon at `colonIndex`, without one leading space.
    private static func value(of line: ArraySlice<UInt8>, afterColonAt colonIndex: Int) -> ArraySlice<UInt8> {
        var start = colonIndex + 1
        if start < line.endIndex, line[start] == space { start += 1 }
        return line[start...]
    }

    private static func matches(_ name: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
        name.count == literal.utf8CodeUnitCount && literal.withUTF8Buffer { name.elementsEqual($0) }
    }

    /// The value as a base-ten integer when it is one or more ASCII digits and fits in `Int`.
    private static func decimal(_ value: ArraySlice<UInt8>) -> Int? {
        guard !value.isEmpty else { return nil }
        var result = 0
        for byte in value {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            result = sum
        }
        return result
    }
}

/// The fields gathered for one event between blank lines.
private struct Block: Sendable {
    var id: String?
    var event: String?
    var retry: Int?
    var comments: [String] = []
    var data: [UInt8] = []
    var hasData = false
    /// Data and comment bytes gathered, checked against `maxEventBytes`.
    var size = 0

    mutating func reset() {
        id = nil
        event = nil
        retry = nil
        if !comments.isEmpty { comments = [] }
        data.removeAll(keepingCapacity: data.capacity <= 64 * 1024)
        hasData = false
        size = 0
    }
}
