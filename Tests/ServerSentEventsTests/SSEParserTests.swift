import ServerSentEvents
import Testing

@Suite("SSEParser")
struct SSEParserTests {
    @Test("same outcome fed whole, byte by byte, at every two-way split and at random splits", arguments: ParserCase.all)
    func parsesIndependentlyOfChunking(_ testCase: ParserCase) {
        let input = testCase.input
        func run(_ chunks: [ArraySlice<UInt8>]) -> ParseOutcome {
            parse(chunks, maxLineBytes: testCase.maxLineBytes, maxEventBytes: testCase.maxEventBytes)
        }
        #expect(run([input[...]]) == testCase.expected, "fed whole")
        #expect(run(input.indices.map { input[$0...$0] }) == testCase.expected, "fed one byte at a time")
        // Report only the first differing split of each kind, so one bug does not print a thousand issues.
        let twoWay = (0...input.count).lazy.map { [input[..<$0], input[$0...]] }
        if let chunks = twoWay.first(where: { run($0) != testCase.expected }) {
            #expect(run(chunks) == testCase.expected, "first differing two-way split: chunk lengths \(lengths(chunks))")
        }
        let random = (UInt64(1)...40).lazy.map { randomChunks(of: input, seed: $0) }
        if let chunks = random.first(where: { run($0) != testCase.expected }) {
            #expect(run(chunks) == testCase.expected, "first differing random split: chunk lengths \(lengths(chunks))")
        }
    }

    @Test("events are returned by the feed that completes them")
    func returnsEventsAsSoonAsComplete() throws {
        var parser = SSEParser()
        #expect(try parser.feed(Array("id:1\nevent:result\n:HTTP_STATUS/200\ndata:{}\n".utf8)).isEmpty)
        #expect(try parser.feed(Array("\nid:2\ndata:".utf8))
            == [ServerSentEvent(id: "1", event: "result", data: "{}", comments: ["HTTP_STATUS/200"])])
        #expect(parser.lastEventID == "1")
        #expect(try parser.feed(Array("x\n\n".utf8)) == [ServerSentEvent(id: "2", data: "x")])
        #expect(parser.finish() == nil)
        #expect(parser.lastEventID == "2")
    }

    @Test("a CR ending one chunk and a LF starting the next, even after an empty chunk, are one line ending")
    func carriageReturnAcrossChunks() throws {
        var parser = SSEParser()
        var events: [ServerSentEvent] = []
        for chunk in ["data:a\r", "", "\ndata:b\r", "\n\r", "", "\n"] {
            events += try parser.feed(Array(chunk.utf8))
        }
        #expect(events == [ServerSentEvent(data: "a\nb")])
        #expect(parser.finish() == nil)
    }

    @Test("a multi-byte character split across feeds survives at every split")
    func multiByteCharacterAcrossFeeds() throws {
        let input = Array("data:欢迎\n\n".utf8)
        for cut in 5..<11 {
            var parser = SSEParser()
            let events = try parser.feed(input[..<cut]) + parser.feed(input[cut...])
            #expect(events == [ServerSentEvent(data: "欢迎")], "split at \(cut)")
        }
    }

    @Test("collections without contiguous storage are accepted")
    func nonContiguousCollection() throws {
        var parser = SSEParser()
        let bytes = Array(dashScopeErrorSample.utf8)
        #expect(try parser.feed(bytes.lazy.map { $0 }) == [dashScopeErrorEvent])
    }

    @Test("a failed parser keeps failing until finish, which readies it for a new stream")
    func failureIsSticky() throws {
        var parser = SSEParser(maxLineBytes: 8)
        #expect(try parser.feed(Array("id:3\ndata:a\n\n".utf8)) == [ServerSentEvent(id: "3", data: "a")])
        #expect(throws: SSEParserError.lineTooLong(limit: 8, completedEvents: [ServerSentEvent(data: "b")])) {
            try parser.feed(Array("data:b\n\ndata:toolong\n\n".utf8))
        }
        #expect(throws: SSEParserError.lineTooLong(limit: 8, completedEvents: [])) {
            try parser.feed(Array("data:c\n\n".utf8))
        }
        #expect(parser.finish() == nil)
        #expect(parser.lastEventID == "3")
        #expect(try parser.feed(Array("\u{FEFF}data:d\n\n".utf8)) == [ServerSentEvent(data: "d")])
    }

    @Test("finish keeps the last event ID and reconnection time and restarts byte order mark detection")
    func finishStartsANewStream() throws {
        var parser = SSEParser()
        #expect(try parser.feed(Array("\u{FEFF}id:7\nretry:100\ndata:a".utf8)).isEmpty)
        #expect(parser.finish() == ServerSentEvent(id: "7", data: "a", retry: 100))
        #expect(try parser.feed(Array("\u{FEFF}data:b\n\n".utf8)) == [ServerSentEvent(data: "b")])
        #expect(parser.lastEventID == "7")
        #expect(parser.reconnectionTime == 100)
    }

    @Test("the error reports its limit without event contents")
    func errorDescription() {
        let error = SSEParserError.eventTooLarge(limit: 10, completedEvents: [ServerSentEvent(data: "secret")])
        #expect(error.description == "server-sent event stream has an event larger than 10 bytes")
        #expect(error.completedEvents == [ServerSentEvent(data: "secret")])
    }

    @Test("event type defaults to message")
    func eventType() {
        #expect(ServerSentEvent(data: "").eventType == "message")
        #expect(ServerSentEvent(event: "", data: "").eventType == "message")
        #expect(ServerSentEvent(event: "result", data: "").eventType == "result")
    }
}
