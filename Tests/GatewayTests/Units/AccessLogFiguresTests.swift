@testable import Gateway
import Logging
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
}
