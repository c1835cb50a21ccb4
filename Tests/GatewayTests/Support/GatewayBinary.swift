import Foundation
import Synchronization

/// The `funasr-gateway` binary `swift build --build-tests` produced beside this test bundle, so a sanitizer build
/// (`--scratch-path .build-address`) starts its own instrumented binary; `.build/debug` when there is none.
let gatewayBinary: URL = {
    if let bundle = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        let beside = URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("funasr-gateway")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/funasr-gateway")
}()

/// Serialises `Process.run()`: Foundation on Linux crashed (memcpy in `Process.run`) when tests in parallel
/// suites launched processes at the same moment.
private let launchLock = Mutex(())

/// A `Process` for the gateway binary with `arguments`, the test's environment stripped of DASHSCOPE_*/FUNASR_*
/// variables, the job store in memory (`FUNASR_GATEWAY_STORE=memory`) and `environment` added; not started.
func gatewayProcess(_ arguments: [String], environment: [String: String]) -> Process {
    let process = Process()
    process.executableURL = gatewayBinary
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("DASHSCOPE_") || key.hasPrefix("FUNASR_") { env[key] = nil }
    // The job store in memory unless a test asks for a file: the default file would land in the working directory.
    env["FUNASR_GATEWAY_STORE"] = "memory"
    process.environment = env.merging(environment) { _, new in new }
    return process
}

/// Starts a process while holding the launch lock.
func launch(_ process: Process) throws {
    try launchLock.withLock { _ in try process.run() }
}
