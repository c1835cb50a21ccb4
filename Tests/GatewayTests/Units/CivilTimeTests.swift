import DashScope
import Testing

/// ISO 8601 rendering of instants, written byte by byte, against known values and the parser.
@Suite struct CivilTimeTests {
    @Test(arguments: [
        (Int64(0), 0, "1970-01-01T00:00:00.000Z"),
        (1_764_262_424_123, 0, "2025-11-27T16:53:44.123Z"),
        (1_764_262_424_123, 8 * 3600, "2025-11-28T00:53:44.123+08:00"),
        (1_764_262_424_007, -(5 * 3600 + 30 * 60), "2025-11-27T11:23:44.007-05:30"),
        (951_782_400_000, 0, "2000-02-29T00:00:00.000Z"),
        (253_402_300_799_999, 0, "9999-12-31T23:59:59.999Z"),
        (-1, 0, "1969-12-31T23:59:59.999Z"),
    ])
    func rendersKnownInstants(_ millis: Int64, _ offset: Int, _ expected: String) {
        #expect(CivilTime.iso8601(epochMilliseconds: millis, offsetSeconds: offset) == expected)
    }

    @Test func roundTripsThroughTheParser() {
        var millis: Int64 = 1_600_000_000_000
        for step in 0..<500 {
            millis += Int64(step) * 7_919_993
            for offset in [0, 8 * 3600, -(9 * 3600 + 45 * 60)] {
                let text = CivilTime.iso8601(epochMilliseconds: millis, offsetSeconds: offset)
                #expect(text.utf8.count == (offset == 0 ? 24 : 29))
                #expect(CivilTime.parse(text, defaultOffsetSeconds: nil) == millis)
            }
        }
    }
}
