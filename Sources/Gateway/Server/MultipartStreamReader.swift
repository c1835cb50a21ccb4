// A `multipart/form-data` reader (RFC 7578 over RFC 2046 §5.1) fed the body piece by piece as it arrives: a
// boundary may be split across pieces at any byte. Content is handed on as slices of the pieces (never copied
// here), each part is checked against its cap as it grows, and every byte is compared a bounded number of times
// (Knuth–Morris–Pratt with its state carried from one piece to the next).

/// What the reader found in a piece of the body, in order.
enum MultipartEvent: Equatable {
    /// A part begins: its name, filename and content type (`body` is empty; its content follows).
    case partStart(FormPart)
    /// Bytes of the current part's content.
    case content(ArraySlice<UInt8>)
    /// The current part is complete.
    case partEnd
}

/// Reads a `multipart/form-data` body incrementally: `feed` each piece, then `finish` at the end of the body.
struct MultipartStreamReader: Sendable {
    private enum State {
        /// Before the first delimiter (the preamble is skipped).
        case preamble
        /// Right after a delimiter: `--` closes the body, else optional padding, then CRLF.
        case afterDelimiter(AfterDelimiter)
        /// Collecting a part's header block (bounded by `MultipartForm.headerLimit`).
        case headers([UInt8])
        /// Inside a part's content: its name, cap and bytes so far.
        case content(name: String, cap: Int, count: Int)
        /// After the closing delimiter: the epilogue is skipped.
        case epilogue
    }

    private enum AfterDelimiter { case start, dash, padding, carriageReturn }

    /// CRLF, `--` and the boundary: what ends a part's content (and, after a virtual CRLF, begins the first part).
    private let delimiter: BytePattern
    private let headerEnd = BytePattern([0x0D, 0x0A, 0x0D, 0x0A])
    private let limit: @Sendable (String) -> Int
    private var state = State.preamble
    /// How much of `delimiter` (or `headerEnd`) the last bytes matched; starts as if a CRLF had just been read, so a
    /// delimiter at the very start of the body is found.
    private var matched = 2
    /// Of the held-back bytes (the `matched` delimiter bytes not yet known to be content), how many are not content
    /// (the header block's final CRLF, which an empty part shares with its delimiter).
    private var phantom = 0
    private var partCount = 0
    /// Byte comparisons made so far (tests prove the work is linear).
    private(set) var comparisons = 0

    /// A reader for `boundary`; `limit(name)` caps each part's content by its field name.
    init(boundary: String, limit: @escaping @Sendable (String) -> Int) {
        self.delimiter = BytePattern([0x0D, 0x0A, 0x2D, 0x2D] + Array(boundary.utf8))
        self.limit = limit
    }

    /// The events of the next piece of the body.
    mutating func feed(_ piece: [UInt8]) throws(MultipartFormError) -> [MultipartEvent] {
        var events: [MultipartEvent] = []
        var index = 0
        while index < piece.count {
            switch state {
            case .preamble:
                index = skipToDelimiter(piece, from: index)
            case .afterDelimiter(let step):
                index = try afterDelimiter(piece[index], step: step, index: index)
            case .headers(var block):
                state = .epilogue  // while `block` is edited in place
                index = try collectHeaders(piece, from: index, into: &block, events: &events)
            case .content(let name, let cap, let count):
                index = try content(piece, from: index, name: name, cap: cap, count: count, events: &events)
            case .epilogue:
                index = piece.count
            }
        }
        return events
    }

    /// The body ended: throws unless the closing delimiter was read.
    func finish() throws(MultipartFormError) {
        switch state {
        case .epilogue: return
        case .preamble: throw .malformed("the multipart body has no parts")
        case .headers: throw .malformed("the multipart body ended inside a part's headers")
        case .afterDelimiter, .content: throw .malformed("the multipart body ended inside a part (no closing boundary)")
        }
    }

    // MARK: States

    private mutating func skipToDelimiter(_ piece: [UInt8], from start: Int) -> Int {
        var index = start
        while index < piece.count {
            if step(piece[index], delimiter) {
                matched = 0
                state = .afterDelimiter(.start)
                return index + 1
            }
            index += 1
        }
        return index
    }

    private mutating func afterDelimiter(_ byte: UInt8, step: AfterDelimiter, index: Int) throws(MultipartFormError) -> Int {
        let isPadding = byte == 0x20 || byte == 0x09
        switch (step, byte) {
        case (.start, 0x2D):
            state = .afterDelimiter(.dash)
        case (.dash, 0x2D):
            guard partCount > 0 else { throw .malformed("the multipart body has no parts") }
            state = .epilogue
        case (.start, 0x0D), (.padding, 0x0D):
            state = .afterDelimiter(.carriageReturn)
        case (.start, _) where isPadding, (.padding, _) where isPadding:
            state = .afterDelimiter(.padding)
        case (.carriageReturn, 0x0A):
            // The boundary line's CRLF starts the block, so an empty header block is found as CRLFCRLF too.
            matched = 2
            state = .headers([0x0D, 0x0A])
        default:
            throw .malformed("a multipart boundary line has trailing characters")
        }
        return index + 1
    }

    private mutating func collectHeaders(
        _ piece: [UInt8], from start: Int, into block: inout [UInt8], events: inout [MultipartEvent]
    ) throws(MultipartFormError) -> Int {
        var index = start
        while index < piece.count {
            let byte = piece[index]
            index += 1
            block.append(byte)
            if step(byte, headerEnd) {
                var part = try MultipartForm.headers(block[2..<max(2, block.count - 4)])
                guard !part.name.isEmpty else {
                    throw .malformed("a part has no name in its Content-Disposition (\(part.filename ?? "no filename"))")
                }
                part.body = []
                partCount += 1
                events.append(.partStart(part))
                // The block's final CRLF may also begin the delimiter of an empty part: held back, never content.
                matched = 2
                phantom = 2
                state = .content(name: part.name, cap: limit(part.name), count: 0)
                return index
            }
            if block.count >= MultipartForm.headerLimit + 6 {
                throw .malformed("a multipart part's headers are longer than \(MultipartForm.headerLimit) bytes")
            }
        }
        state = .headers(block)
        return index
    }

    private mutating func content(
        _ piece: [UInt8], from start: Int, name: String, cap: Int, count: Int, events: inout [MultipartEvent]
    ) throws(MultipartFormError) -> Int {
        // Positions in V = the held-back bytes (delimiter[0..<carried]) followed by piece[start...].
        let carried = matched
        let emitted = phantom
        var count = count
        var index = start
        while index < piece.count {
            let found = step(piece[index], delimiter)
            index += 1
            if found {
                let matchStart = carried + (index - start) - delimiter.bytes.count
                count = try emit(piece, from: start, carried: carried, emitted, max(emitted, matchStart), count, name, cap, &events)
                events.append(.partEnd)
                matched = 0
                phantom = 0
                state = .afterDelimiter(.start)
                return index
            }
        }
        let safe = carried + (index - start) - matched
        count = try emit(piece, from: start, carried: carried, emitted, max(emitted, safe), count, name, cap, &events)
        phantom = max(0, phantom - safe)
        state = .content(name: name, cap: cap, count: count)
        return index
    }

    /// Hands on V[from..<to] as content (held-back delimiter bytes first, then the piece's own bytes).
    private func emit(
        _ piece: [UInt8], from start: Int, carried: Int, _ from: Int, _ to: Int, _ count: Int, _ name: String, _ cap: Int,
        _ events: inout [MultipartEvent]
    ) throws(MultipartFormError) -> Int {
        guard to > from else { return count }
        let total = count + (to - from)
        guard total <= cap else { throw .partTooLarge(name: name, limit: cap) }
        if from < carried {
            events.append(.content(delimiter.bytes[from..<min(to, carried)]))
        }
        if to > carried {
            events.append(.content(piece[(start + max(from, carried) - carried)..<(start + to - carried)]))
        }
        return total
    }

    /// Advances the match of `pattern` by one byte (state in `matched`); true when the whole pattern just matched.
    private mutating func step(_ byte: UInt8, _ pattern: BytePattern) -> Bool {
        comparisons += 1
        while matched > 0, byte != pattern.bytes[matched] {
            matched = pattern.shorterMatch(after: matched)
            comparisons += 1
        }
        if byte == pattern.bytes[matched] { matched += 1 }
        return matched == pattern.bytes.count
    }
}
