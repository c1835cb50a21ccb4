@testable import Gateway
import Logging
import Synchronization
import Testing

/// The access log's figures: durations as milliseconds with three decimals, metadata in key order.
@Suite struct AccessLogFiguresTests {
    @Test(arguments: [
        (Duration.zero, "0.000"), (.microseconds(999), "0.999"), (.nanoseconds(1_500), "0.002"),
        (.microseconds(1_234_567), "1234.567"), (.seconds(12), "12000.000"), (.milliseconds(-5), "0.000"),
        (.microseconds(10_000), "10.000"),
    ])
    func millisecondsHaveThreeDecimals(_ duration: Duration, _ expected: String) {
        #expect(GatewayHandler.milliseconds(duration) == expected)
    }

    @Test func metadataEntriesComeInKeyOrder() {
        let metadata: Logger.Metadata = [
            "status": "200", "bytes": "12", "route": "r", "request_id": "x", "path": "/p", "method": "GET",
            "duration_ms": "1.000", "upstream_ms": "0.500", "dashscope_request_id": "d", "a": "1", "z": "2",
        ]
        let keys = metadata.sortedEntries.map(\.key)
        #expect(keys == metadata.keys.sorted())
        #expect(Logger.Metadata().sortedEntries.isEmpty)
    }

    /// A logger whose handler keeps its lines (without the timestamp) in `lines`.
    private static func logger<Format: LogLineFormat>(
        _ format: Format.Type, into lines: KeptLines, metadata: Logger.Metadata = [:]
    ) -> Logger {
        Logger(label: "funasr-gateway") { label in
            var handler = LineLogHandler<Format>(label: label) { line, _ in
                lines.keep(String(line.drop { $0 != " " && $0 != "," }))
            }
            handler.metadata = metadata
            return handler
        }
    }

    private static let entries = [
        MetadataEntry(key: "bytes", value: "12"), MetadataEntry(key: "duration_ms", value: "1.250"),
        MetadataEntry(key: "path", value: "/v1/a b"), MetadataEntry(key: "status", value: "200"),
    ]

    @Test(arguments: [false, true])
    func theDirectAccessLineIsTheLineSwiftLogWouldWrite(json: Bool) {
        let lines = KeptLines()
        let logger = json ? Self.logger(JSONLineFormat.self, into: lines) : Self.logger(TextLineFormat.self, into: lines)
        let access = InfoLines(logger: logger)
        access.write("request", entries: Self.entries)
        var metadata = Logger.Metadata()
        for entry in Self.entries { metadata[entry.key] = entry.value }
        logger.info("request", metadata: metadata)
        let written = lines.all
        #expect(written.count == 2)
        #expect(written.first == written.last)
        #expect(written.first?.contains(json ? #""path":"/v1/a b""# : #"path="/v1/a b""#) == true)
    }

    @Test func aHandlerWithItsOwnMetadataStillGetsItOnTheAccessLine() {
        let lines = KeptLines()
        let logger = Self.logger(TextLineFormat.self, into: lines, metadata: ["instance": "a"])
        InfoLines(logger: logger).write("request", entries: Self.entries)
        #expect(lines.all == [
            #" info funasr-gateway: request bytes=12 duration_ms=1.250 instance=a path="/v1/a b" status=200"# + "\n"
        ])
    }
}

/// Lines a test handler wrote.
private final class KeptLines: Sendable {
    private let lines = Mutex<[String]>([])

    func keep(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    var all: [String] {
        lines.withLock { $0 }
    }
}
