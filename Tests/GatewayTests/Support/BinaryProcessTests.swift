import Testing

/// Every suite that starts a child process (through `launch(_:)`, the posix_spawn launcher in ChildProcess.swift) is
/// nested here and runs one test at a time, so at most one gateway binary, node or browser runs beside the in-process
/// tests, which still run in parallel. (Foundation's `Process` is not used: on Linux it crashed the test process,
/// in `Process.run()` and on libdispatch's manager thread while reaping children.)
@Suite(.serialized) enum BinaryProcessTests {}
