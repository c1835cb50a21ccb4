import ServerSentEvents
import Testing

@Suite("SSESerializer")
struct SSESerializerTests {
    @Test("the §12 DashScope samples are reproduced byte for byte")
    func dashScopeSamplesByteForByte() {
        #expect(serialize(dashScopeRealtimeEvents, style: .dashScope) == Array(dashScopeRealtimeSample.utf8))
        #expect(dashScopeErrorEvent.serialized(style: .dashScope) == Array(dashScopeErrorSample.utf8))
        let parsed = parse(dashScopeRealtimeSample).events
        #expect(serialize(parsed, style: .dashScope) == Array(dashScopeRealtimeSample.utf8))
    }

    @Test("the samples end with exactly one blank line")
    func samplesAreFramed() {
        #expect(dashScopeRealtimeSample.hasSuffix("}\n\n") && !dashScopeRealtimeSample.hasSuffix("\n\n\n"))
        #expect(dashScopeErrorSample.hasSuffix("}\n\n") && !dashScopeErrorSample.hasSuffix("\n\n\n"))
    }

    @Test("standard style puts one space after each colon, in the same field order")
    func standardStyle() {
        let event = ServerSentEvent(id: "1", event: "result", data: "{}", retry: 1500, comments: ["HTTP_STATUS/200"])
        #expect(text(event, .standard) == "id: 1\nevent: result\n: HTTP_STATUS/200\nretry: 1500\ndata: {}\n\n")
        #expect(text(event, .dashScope) == "id:1\nevent:result\n:HTTP_STATUS/200\nretry:1500\ndata:{}\n\n")
    }

    @Test("multi-line data becomes one data line per line, whatever the line endings")
    func multiLineData() {
        #expect(text(ServerSentEvent(data: "a\nb\r\nc\rd"), .dashScope) == "data:a\ndata:b\ndata:c\ndata:d\n\n")
        #expect(text(ServerSentEvent(data: "a\n"), .standard) == "data: a\ndata:\n\n")
        #expect(text(ServerSentEvent(data: ""), .standard) == "data:\n\n")
        #expect(text(ServerSentEvent(data: "\n"), .dashScope) == "data:\ndata:\n\n")
    }

    @Test("a value starting with a space keeps it in both styles")
    func leadingSpace() {
        let event = ServerSentEvent(event: " x", data: " y", comments: [" z"])
        #expect(text(event, .dashScope) == "event:  x\n:  z\ndata:  y\n\n")
        #expect(text(event, .standard) == "event:  x\n:  z\ndata:  y\n\n")
        #expect(parse(text(event, .dashScope)).events == [event])
    }

    @Test("what cannot be represented is dropped rather than breaking the framing")
    func unrepresentableValues() {
        let event = ServerSentEvent(id: "a\nb", event: "", data: "x", retry: -1, comments: ["one\ntwo"])
        #expect(text(event, .dashScope) == "id:ab\n:one\n:two\ndata:x\n\n")
        #expect(text(ServerSentEvent(event: "re\r\nsult", data: "x"), .dashScope) == "event:result\ndata:x\n\n")
    }

    @Test("comment-only blocks serialize as keep-alives that parse to no event")
    func commentBlock() {
        let standard = SSESerializer(style: .standard).serializeCommentBlock("keep-alive")
        #expect(String(decoding: standard, as: UTF8.self) == ": keep-alive\n\n")
        let dashScope = SSESerializer(style: .dashScope).serializeCommentBlock("a", "b")
        #expect(String(decoding: dashScope, as: UTF8.self) == ":a\n:b\n\n")
        #expect(parse([standard, dashScope]).events.isEmpty)
    }

    @Test("append adds to an existing buffer")
    func appendToBuffer() {
        var buffer = Array("data:first\n\n".utf8)
        SSESerializer(style: .dashScope).append(ServerSentEvent(data: "second"), to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "data:first\n\ndata:second\n\n")
    }

    @Test("serialize then parse gives the same events", arguments: [SSEStyle.dashScope, .standard])
    func roundTripTable(style: SSEStyle) {
        for testCase in ParserCase.all where testCase.failure == nil {
            let bytes = serialize(testCase.events, style: style)
            #expect(parse([bytes]).events == testCase.events, "\(testCase.name)")
        }
    }

    @Test("random events survive serialize, random splits and parse", arguments: [SSEStyle.dashScope, .standard])
    func roundTripRandom(style: SSEStyle) {
        var generator = SeededGenerator(seed: 2024)
        let events = (0..<300).map { _ in randomEvent(using: &generator) }
        let bytes = serialize(events.map(\.written), style: style)
        for seed in UInt64(1)...20 {
            let chunks = randomChunks(of: bytes, seed: seed)
            #expect(parse(chunks).events == events.map(\.parsed), "seed \(seed): chunk lengths \(lengths(chunks))")
        }
    }
}

private func text(_ event: ServerSentEvent, _ style: SSEStyle) -> String {
    String(decoding: event.serialized(style: style), as: UTF8.self)
}

/// An event to write and the event a parser must read back (data line endings normalised to LF).
private struct RandomEvent {
    var written: ServerSentEvent
    var parsed: ServerSentEvent
}

private func randomEvent(using generator: inout SeededGenerator) -> RandomEvent {
    let pieces = ["a", "Z", "0", " ", "  ", ":", "::", "\t", "{\"k\":1}", "欢迎", "é", "😀", "data:", "id:", "\u{0}"]
    let breaks = ["\n", "\r\n", "\r"]
    func randomText(lineBreaks: Bool, allowNUL: Bool = true) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...6, using: &generator) {
            var piece = pieces.randomElement(using: &generator)!
            if lineBreaks, Int.random(in: 0..<4, using: &generator) == 0 {
                piece = breaks.randomElement(using: &generator)!
            }
            if piece == "\u{0}", !allowNUL { continue }
            text += piece
        }
        return text
    }
    let id = Bool.random(using: &generator) ? randomText(lineBreaks: false, allowNUL: false) : nil
    let typeText = randomText(lineBreaks: false)
    let type = typeText.isEmpty || Bool.random(using: &generator) ? nil : typeText
    let retry = Bool.random(using: &generator) ? Int.random(in: 0...100_000, using: &generator) : nil
    let comments = (0..<Int.random(in: 0...2, using: &generator)).map { _ in randomText(lineBreaks: false) }
    let data = randomText(lineBreaks: true)
    let written = ServerSentEvent(id: id, event: type, data: data, retry: retry, comments: comments)
    var parsed = written
    parsed.data = normalizedLineEndings(data)
    return RandomEvent(written: written, parsed: parsed)
}

/// `text` with CRLF and CR replaced by LF, as a parser reads multi-line data.
private func normalizedLineEndings(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    var previousWasCR = false
    for scalar in text.unicodeScalars {
        if scalar == "\n", previousWasCR {
            previousWasCR = false
            continue
        }
        previousWasCR = scalar == "\r"
        scalars.append(previousWasCR ? "\n" : scalar)
    }
    return String(scalars)
}
