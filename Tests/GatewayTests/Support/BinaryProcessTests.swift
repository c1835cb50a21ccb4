import Testing

/// Every suite that starts the real binary as a child process is nested here and runs one test at a time.
/// Foundation's `Process` on Linux is not safe to use from several threads at once: two CI runs crashed inside
/// `Process.run()` (a memcpy past a mapping) while another suite's child process was starting or ending, even with
/// `launch(_:)` serialising the `run()` calls themselves. In-process tests are unaffected and still run in parallel.
@Suite(.serialized) enum BinaryProcessTests {}
