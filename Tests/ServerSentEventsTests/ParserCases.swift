// The table of parser inputs and what they must produce, however the bytes are chunked.

import ServerSentEvents
import Testing

/// One input and everything a parse of it must observe.
struct ParserCase: Sendable, CustomTestStringConvertible {
    var name: String
    var input: [UInt8]
    var events: [ServerSentEvent]
    var failure: FailureKind?
    var lastEventID = ""
    var reconnectionTime: Int?
    var maxLineBytes = SSEParser.defaultMaxLineBytes
    var maxEventBytes = SSEParser.defaultMaxEventBytes

    init(
        _ name: String, _ input: String, _ events: [ServerSentEvent], failure: FailureKind? = nil,
        lastEventID: String = "", reconnectionTime: Int? = nil,
        maxLineBytes: Int = SSEParser.defaultMaxLineBytes, maxEventBytes: Int = SSEParser.defaultMaxEventBytes
    ) {
        self.init(name, bytes: Array(input.utf8), events, failure: failure, lastEventID: lastEventID,
                  reconnectionTime: reconnectionTime, maxLineBytes: maxLineBytes, maxEventBytes: maxEventBytes)
    }

    init(
        _ name: String, bytes: [UInt8], _ events: [ServerSentEvent], failure: FailureKind? = nil,
        lastEventID: String = "", reconnectionTime: Int? = nil,
        maxLineBytes: Int = SSEParser.defaultMaxLineBytes, maxEventBytes: Int = SSEParser.defaultMaxEventBytes
    ) {
        self.name = name
        self.input = bytes
        self.events = events
        self.failure = failure
        self.lastEventID = lastEventID
        self.reconnectionTime = reconnectionTime
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
    }

    var expected: ParseOutcome {
        ParseOutcome(events: events, failure: failure, lastEventID: lastEventID, reconnectionTime: reconnectionTime)
    }

    var testDescription: String { name }
}

/// Shorthand for an event with only data.
private func data(_ text: String) -> ServerSentEvent {
    ServerSentEvent(data: text)
}

private let chineseText = "欢迎使用阿里云。"
private let dashScopeRealtimeBytes = Array(dashScopeRealtimeSample.utf8)

extension ParserCase {
    static let all: [ParserCase] = [
        // Line endings.
        ParserCase("LF line endings", "data:a\n\ndata:b\n\n", [data("a"), data("b")]),
        ParserCase("CR line endings", "data:a\r\rdata:b\r\r", [data("a"), data("b")]),
        ParserCase("CRLF line endings", "data:a\r\n\r\ndata:b\r\n\r\n", [data("a"), data("b")]),
        ParserCase("mixed line endings", "data:a\r\ndata:b\rdata:c\n\r\n", [data("a\nb\nc")]),
        ParserCase("CRLF is one line ending, even split", "data:a\r\ndata:b\r\n\r\n", [data("a\nb")]),
        ParserCase("CR CR is two line endings", "data:a\r\rdata:b\r\n\n", [data("a"), data("b")]),
        ParserCase("blank lines alone", "\n\r\n\r\n\n", []),
        ParserCase("empty input", "", []),
        // Comments.
        ParserCase("comments kept in their event", ":HTTP_STATUS/200\ndata:x\n: second\n\n",
                   [ServerSentEvent(data: "x", comments: ["HTTP_STATUS/200", "second"])]),
        ParserCase("comment-only blocks are not dispatched", ": keep-alive\n\n:\n\ndata:x\n\n", [data("x")]),
        ParserCase("empty comment and one space removed", ":\n:  two\ndata:x\n\n",
                   [ServerSentEvent(data: "x", comments: ["", " two"])]),
        // Data.
        ParserCase("multi-line data", "data:a\ndata:b\ndata:c\n\n", [data("a\nb\nc")]),
        ParserCase("data with and without space", "data:a\n\ndata: b\n\ndata:  c\n\ndata:\td\n\n",
                   [data("a"), data("b"), data(" c"), data("\td")]),
        ParserCase("colon inside the value", "data:a:b\n\ndata::\n\n", [data("a:b"), data(":")]),
        ParserCase("empty data lines", "data:\n\ndata:\ndata:\n\n", [data(""), data("\n")]),
        ParserCase("field without colon", "data\n\ndata\ndata\n\n", [data(""), data("\n")]),
        // id, event, retry.
        ParserCase("id, event and retry", "id:7\nevent:result\nretry:1500\ndata:x\n\n",
                   [ServerSentEvent(id: "7", event: "result", data: "x", retry: 1500)],
                   lastEventID: "7", reconnectionTime: 1500),
        ParserCase("last event ID persists, event id does not", "id:5\ndata:a\n\ndata:b\n\n",
                   [ServerSentEvent(id: "5", data: "a"), data("b")], lastEventID: "5"),
        ParserCase("empty id resets the last event ID", "id:5\ndata:a\n\nid\ndata:b\n\n",
                   [ServerSentEvent(id: "5", data: "a"), ServerSentEvent(id: "", data: "b")]),
        ParserCase("id with NUL is ignored", "id:1\n\nid:a\0b\ndata:x\n\n", [data("x")], lastEventID: "1"),
        ParserCase("id-only block sets the last event ID", "id:9\n\n", [], lastEventID: "9"),
        ParserCase("empty or missing event is the default type", "event:foo\nevent\ndata:x\n\nevent:\ndata:y\n\n",
                   [data("x"), data("y")]),
        ParserCase("invalid retry values are ignored",
                   "retry:12a\nretry:-5\nretry:\nretry: 1 \nretry:+1\nretry:99999999999999999999999\ndata:x\n\n",
                   [data("x")]),
        ParserCase("valid retry survives a later invalid one", "retry: 300\nretry:x\ndata:x\n\n",
                   [ServerSentEvent(data: "x", retry: 300)], reconnectionTime: 300),
        ParserCase("retry-only block sets the reconnection time", "retry:2000\n\ndata:x\n\n",
                   [data("x")], reconnectionTime: 2000),
        ParserCase("unknown and differently cased fields are ignored",
                   "foo:bar\nData:no\nstatus:400\nevent:result\ndata:x\n\n", [ServerSentEvent(event: "result", data: "x")]),
        // Byte order mark.
        ParserCase("leading BOM skipped", "\u{FEFF}data:x\n\n", [data("x")]),
        ParserCase("only the first BOM skipped", "\u{FEFF}\u{FEFF}data:x\n\ndata:y\n\n", [data("y")]),
        ParserCase("BOM later in the stream is not skipped", "data:x\n\n\u{FEFF}data:y\n\n", [data("x")]),
        ParserCase("partial BOM is an ordinary line", bytes: [0xEF, 0xBB, 0x0A] + Array("data:x\n\n".utf8), [data("x")]),
        ParserCase("partial BOM prefixes the field name", bytes: [0xEF, 0xBB] + Array("data:x\n\n".utf8), []),
        ParserCase("partial BOM alone", bytes: [0xEF, 0xBB], []),
        // End of input (our deliberate difference from the spec: the last event is dispatched).
        ParserCase("end of input without blank line", "id:1\nevent:result\n:HTTP_STATUS/200\ndata:{}\n",
                   [ServerSentEvent(id: "1", event: "result", data: "{}", comments: ["HTTP_STATUS/200"])],
                   lastEventID: "1"),
        ParserCase("end of input mid-line", "data:a\ndata:b", [data("a\nb")]),
        ParserCase("end of input after CR", "data:x\r", [data("x")]),
        ParserCase("end of input without data dispatches nothing", "data:x\n\nevent:foo\n:c\n", [data("x")]),
        // Text.
        ParserCase("Chinese text split mid-character", "event:结果\ndata:\(chineseText)\n\n",
                   [ServerSentEvent(event: "结果", data: chineseText)]),
        ParserCase("invalid UTF-8 becomes U+FFFD", bytes: Array("data:".utf8) + [0xFF, 0x0A, 0x0A], [data("\u{FFFD}")]),
        ParserCase("truncated UTF-8 at a line end becomes U+FFFD",
                   bytes: Array("data:".utf8) + [0xE6, 0xAC, 0x0A] + Array("data:ok\n\n".utf8), [data("\u{FFFD}\nok")]),
        // DashScope frames from dashscope-api.md §12.
        ParserCase("DashScope realtime sample", dashScopeRealtimeSample, dashScopeRealtimeEvents, lastEventID: "3"),
        ParserCase("DashScope error frame", dashScopeErrorSample, [dashScopeErrorEvent], lastEventID: "1"),
        ParserCase("DashScope stream cut before its last blank line", bytes: Array(dashScopeRealtimeBytes.dropLast()),
                   dashScopeRealtimeEvents, lastEventID: "3"),
        ParserCase("DashScope stream cut before its last line ending", bytes: Array(dashScopeRealtimeBytes.dropLast(2)),
                   dashScopeRealtimeEvents, lastEventID: "3"),
        // Caps.
        ParserCase("line at the limit is accepted", "data:0123456789a\r\n\r\n", [data("0123456789a")], maxLineBytes: 16),
        ParserCase("line past the limit throws", "data:short\n\ndata:0123456789abcdef\n\ndata:after\n\n",
                   [data("short")], failure: .lineTooLong, maxLineBytes: 16),
        ParserCase("unterminated line past the limit throws", "data:ok\n\n" + String(repeating: "x", count: 40),
                   [data("ok")], failure: .lineTooLong, maxLineBytes: 16),
        ParserCase("comment past the limit throws", ":" + String(repeating: "c", count: 20) + "\ndata:x\n\n",
                   [], failure: .lineTooLong, maxLineBytes: 16),
        ParserCase("event at the size limit is accepted", "data:12345\ndata:1234\n\n", [data("12345\n1234")],
                   maxEventBytes: 10),
        ParserCase("event past the size limit throws", "data:1234\n\ndata:12345\ndata:123456\n\ndata:z\n\n",
                   [data("1234")], failure: .eventTooLarge, maxEventBytes: 10),
        ParserCase("endless comments past the size limit throw", String(repeating: ":ping\n", count: 5),
                   [], failure: .eventTooLarge, maxEventBytes: 10),
    ]
}
