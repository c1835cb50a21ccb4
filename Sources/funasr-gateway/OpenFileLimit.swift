import Glibc

/// Every connection and upstream call holds a descriptor: at start the soft limit of open files is raised to the
/// hard one (many systems start processes at 1,024, below the default `--connection-limit` of 4,096).
enum OpenFileLimit {
    /// Raises the soft limit to the hard limit; returns the limit now in force (nil when it cannot be read).
    static func raise() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return UInt64(limit.rlim_cur)
    }
}
