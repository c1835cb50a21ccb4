import Foundation

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

/// The gateway binary with `arguments`, the test's environment stripped of DASHSCOPE_*/FUNASR_* variables, the job
/// store in memory (`FUNASR_GATEWAY_STORE=memory`) and `environment` added; its output discarded until the caller
/// redirects it. Start it with `launch(_:)`.
func gatewayCommand(_ arguments: [String], environment: [String: String]) -> ChildCommand {
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("DASHSCOPE_") || key.hasPrefix("FUNASR_") { env[key] = nil }
    // The job store in memory unless a test asks for a file: the default file would land in the working directory.
    env["FUNASR_GATEWAY_STORE"] = "memory"
    return ChildCommand(executable: gatewayBinary.path, arguments: arguments, environment: env.merging(environment) { _, new in new })
}
