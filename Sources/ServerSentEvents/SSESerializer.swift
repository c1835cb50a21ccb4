// Writes events back to `text/event-stream` bytes, in DashScope's framing or the common spaced one.
//
// Every line is written so that `SSEParser` reads back what was written:
// - fields are written in DashScope's order: id, event, comments, retry, data lines, then the blank line;
// - multi-line data becomes one `data` line per line (LF, CR and CRLF all split, as the parser would);
// - a value or comment that starts with a space gets the separator space even in `.dashScope` style, since a
//   parser removes one space after the colon;
// - CR and LF cannot be represented inside `id` and `event` and are dropped; a comment with line breaks
//   becomes several comment lines; a negative `retry` cannot be parsed and is not written.

/// How field lines are spelled on the wire.
public enum SSEStyle: Sendable, Equatable, Hashable {
    /// DashScope's framing, no space after the colon: `id:1`, `event:result`, `:HTTP_STATUS/200`, `data:{…}`.
    case dashScope
    /// One space after the colon (`id: 1`, `data: {…}`), the framing EventSource and OpenAI clients expect.
    case standard
}

/// Serializes events and comment blocks into `text/event-stream` bytes in one `SSEStyle`.
public struct SSESerializer: Sendable, Equatable, Hashable {
    /// The framing this serializer writes.
    public var style: SSEStyle

    /// Creates a serializer for `style`.
    public init(style: SSEStyle) {
        self.style = style
    }

    /// The bytes of one event block, ending with its blank line.
    public func serialize(_ event: ServerSentEvent) -> [UInt8] {
        var bytes: [UInt8] = []
        append(event, to: &bytes)
        return bytes
    }

    /// Appends the bytes of one event block, ending with its blank line, to `buffer`.
    public func append(_ event: ServerSentEvent, to buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + event.data.utf8.count + 64)
        if let id = event.id { appendField("id", Self.singleLine(id).utf8, to: &buffer) }
        if let type = event.event, !type.isEmpty { appendField("event", Self.singleLine(type).utf8, to: &buffer) }
        for comment in event.comments { appendComment(comment, to: &buffer) }
        if let retry = event.retry, retry >= 0 { appendField("retry", String(retry).utf8, to: &buffer) }
        Self.forEachLine(of: event.data) { appendField("data", $0, to: &buffer) }
        buffer.append(Self.lineFeed)
    }

    /// The bytes of a block holding only comments (a keep-alive such as `: keep-alive\n\n`); parsers dispatch nothing.
    public func serializeCommentBlock(_ comments: String...) -> [UInt8] {
        var bytes: [UInt8] = []
        for comment in comments { appendComment(comment, to: &bytes) }
        bytes.append(Self.lineFeed)
        return bytes
    }

    // MARK: - Lines

    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D
    private static let colon: UInt8 = 0x3A
    private static let space: UInt8 = 0x20

    /// Appends one or more comment lines (one per line of `text`), each `:` plus the style's separator.
    private func appendComment(_ text: String, to buffer: inout [UInt8]) {
        Self.forEachLine(of: text) { line in
            buffer.append(Self.colon)
            appendValue(line, to: &buffer)
        }
    }

    /// Appends `name:value` (or `name: value`) and a LF.
    private func appendField(_ name: StaticString, _ value: some Collection<UInt8>, to buffer: inout [UInt8]) {
        name.withUTF8Buffer { buffer.append(contentsOf: $0) }
        buffer.append(Self.colon)
        appendValue(value, to: &buffer)
    }

    /// Appends the separator the style and value call for, the value and a LF.
    private func appendValue(_ value: some Collection<UInt8>, to buffer: inout [UInt8]) {
        if style == .standard ? !value.isEmpty : value.first == Self.space {
            buffer.append(Self.space)
        }
        buffer.append(contentsOf: value)
        buffer.append(Self.lineFeed)
    }

    /// Calls `body` with each line of `text`, split at LF, CR and CRLF; an empty text is one empty line.
    private static func forEachLine(of text: String, _ body: (Substring.UTF8View) -> Void) {
        let utf8 = text.utf8
        var lineStart = utf8.startIndex
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            let lineEnd = index
            index = utf8.index(after: index)
            guard byte <= carriageReturn, byte == lineFeed || byte == carriageReturn else { continue }
            body(utf8[lineStart..<lineEnd])
            if byte == carriageReturn, index < utf8.endIndex, utf8[index] == lineFeed {
                index = utf8.index(after: index)
            }
            lineStart = index
        }
        body(utf8[lineStart...])
    }

    /// `text` without CR and LF, which cannot appear inside an `id` or `event` line.
    private static func singleLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == lineFeed || $0 == carriageReturn }) else { return text }
        return String(text.unicodeScalars.filter { $0 != "\n" && $0 != "\r" })
    }
}

extension ServerSentEvent {
    /// This event's block as bytes in `style`, ending with its blank line.
    public func serialized(style: SSEStyle) -> [UInt8] {
        SSESerializer(style: style).serialize(self)
    }
}
