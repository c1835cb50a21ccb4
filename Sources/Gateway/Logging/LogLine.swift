import DashScope
import Glibc
import Logging
import Synchronization

/// What the text and JSON log lines share: the timestamp.
enum LogLine {
    /// Now in ISO 8601 UTC with milliseconds (no time-zone database is read).
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let millis = Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
        return CivilTime.iso8601(epochMilliseconds: millis, offsetSeconds: 0)
    }
}
