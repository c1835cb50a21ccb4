import ArgumentParser
import Foundation
import NIOPosix

/// `funasr-bench startup`: starts a server command several times, polls `GET /healthz` in a tight loop,
/// and reports the time from spawn to the first 2xx answer and the idle RSS one second later.
struct StartupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "startup", abstract: "Time from process start to the first answered request; idle RSS.")

    @Option(help: "Port the command listens on.")
    var port: Int
    @Option(help: "Path polled until it answers 2xx.")
    var path: String = "/healthz"
    @Option(help: "How many starts (the median is reported).")
    var runs: Int = 5
    @Option(name: .customLong("settle-ms"), help: "Wait after the first answer before reading the idle RSS.")
    var settleMs: Int = 1000
    @Option(help: "Where the command's stdout and stderr go.")
    var log: String = "/dev/null"
    @Argument(parsing: .postTerminator, help: "The server command and its arguments (after --).")
    var command: [String]

    func run() async throws {
        guard let executable = command.first else { throw ValidationError("give the command after --") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let probe = HealthProbe(group: group)
        var startups: [Double] = []
        var idle: [Double] = []
        for attempt in 1...max(1, runs) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = Array(command.dropFirst())
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let output = FileHandle(forWritingAtPath: log) ?? FileHandle.nullDevice
            process.standardOutput = output
            process.standardError = output
            let spawned = Monotonic.nanos()
            try process.run()
            var answered: UInt64?
            let deadline = spawned + 10_000_000_000
            while answered == nil, Monotonic.nanos() < deadline, process.isRunning {
                let status = await probe.status(port: port, path: path)
                if (200..<300).contains(status) { answered = Monotonic.nanos() } else { usleep(500) }
            }
            guard let answered else {
                process.terminate()
                process.waitUntilExit()
                throw ValidationError("run \(attempt): no 2xx answer within 10 s")
            }
            let milliseconds = Double(answered - spawned) / 1e6
            try? await Task.sleep(for: .milliseconds(settleMs))
            let rss = ProcSample.read([process.processIdentifier]).rssKiB
            process.terminate()
            process.waitUntilExit()
            startups.append(milliseconds)
            idle.append(Double(rss))
            print("run \(attempt): first answer after \(String(format: "%.1f", milliseconds)) ms, idle RSS \(rss) KiB")
        }
        try? await group.shutdownGracefully()
        print("RESULT startup_ms=\(String(format: "%.1f", Stats.median(startups) ?? 0)) idle_rss_kb=\(Int(Stats.median(idle) ?? 0)) "
            + "startup_ms_max=\(String(format: "%.1f", startups.max() ?? 0)) runs=\(startups.count)")
    }
}
