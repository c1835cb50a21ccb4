import Glibc

/// CLOCK_MONOTONIC in nanoseconds: the one clock every bench process shares.
enum Monotonic {
    /// Nanoseconds since an arbitrary boot-time origin, identical across processes.
    static func nanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
