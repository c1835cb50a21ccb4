import Foundation

/// Percentiles and medians of measured values.
enum Stats {
    /// The `p`-th percentile (0…100) of `values` by nearest rank; 0 when empty.
    static func percentile(_ values: [Int64], _ p: Double) -> Int64 {
        percentileOfSorted(values.sorted(), p)
    }

    /// Same as `percentile`, for an already sorted array.
    static func percentileOfSorted(_ sorted: [Int64], _ p: Double) -> Int64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// The median of doubles (mean of the middle two when even); nil when empty.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Nanoseconds as microseconds with one decimal.
    static func micros(_ nanos: Int64) -> String {
        String(format: "%.1f", Double(nanos) / 1000)
    }
}

/// One reading of a set of processes from /proc: resident memory and CPU time, summed.
struct ProcSample: Sendable {
    /// Resident set size in KiB (VmRSS), summed over the processes.
    var rssKiB: Int
    /// User plus system CPU time in clock ticks, summed.
    var cpuTicks: Int
    /// When it was taken (CLOCK_MONOTONIC ns).
    var at: UInt64

    /// Reads `/proc/<pid>/status` and `/proc/<pid>/stat` for each pid; a vanished pid counts as 0.
    static func read(_ pids: [Int32]) -> ProcSample {
        var rss = 0
        var ticks = 0
        for pid in pids {
            if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) {
                rss += Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "0") ?? 0
            }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")") {
                // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                if fields.count > 12 { ticks += (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0) }
            }
        }
        return ProcSample(rssKiB: rss, cpuTicks: ticks, at: Monotonic.nanos())
    }

    /// CPU use between two samples in percent of one core.
    static func cpuPercent(from start: ProcSample, to end: ProcSample) -> Double {
        let seconds = Double(end.at &- start.at) / 1e9
        guard seconds > 0 else { return 0 }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return Double(end.cpuTicks - start.cpuTicks) / ticksPerSecond / seconds * 100
    }
}
