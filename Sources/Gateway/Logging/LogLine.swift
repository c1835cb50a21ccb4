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

/// Serializes whole lines onto standard error so concurrent log lines never interleave.
final class StandardErrorLines: Sendable {
    static let shared = StandardErrorLines()
    private let lock = Mutex(())

    /// Writes the whole line (retrying short writes; a closed stderr drops it).
    func write(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            lock.withLock { _ in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}
