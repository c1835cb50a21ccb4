import Gateway
import Logging
import Synchronization
import Testing

/// The default text log format: one line per event, UTC timestamp, sorted `key=value` metadata.
@Suite struct TextLogHandlerTests {
    @Test func oneLineWithSortedMetadataAndTheLoggersOwnUnderTheCallsOwn() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "text-test") { label in
            TextLogHandler(label: label) { line, _ in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "b"] = "from-logger"
        logger[metadataKey: "z"] = "kept"
        logger.info("request", metadata: ["b": "from-call", "a": .array(["1", "2"]), "m": .dictionary(["y": "2", "x": "1"])])
        logger.debug("below the level")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix(" info text-test: request a=\"[1, 2]\" b=from-call m=\"[x: 1, y: 2]\" z=kept\n"))
        // 2026-11-27T17:53:44.123Z
        let stamp = line.prefix { $0 != " " }
        #expect(stamp.count == 24 && stamp.hasSuffix("Z") && stamp.dropFirst(10).first == "T")
    }

    @Test func valuesCannotEndTheLineOrPoseAsAnotherKey() throws {
        let lines = Mutex<[String]>([])
        let logger = Logger(label: "text-test") { label in
            TextLogHandler(label: label) { line, _ in lines.withLock { $0.append(line) } }
        }
        logger.info("one\ntwo", metadata: [
            "path": "/v1/x\nfake=1", "id": "a b", "quote": "say \"hi\"\\", "cr": "x\r\ny", "bell": "\u{7}\u{2028}",
            "empty": "", "plain": "/v1/flash", "equals": "a=b",
        ])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.filter { $0 == "\n" || $0 == "\r\n" }.count == 1 && line.hasSuffix("\n"))
        #expect(line.hasSuffix(
            #" info text-test: one\ntwo bell="\u{7}\u{2028}" cr="x\r\ny" empty="" equals="a=b" id="a b" path="/v1/x\nfake=1" plain=/v1/flash quote="say \"hi\"\\""#
                + "\n"), "\(line)")
    }
}
