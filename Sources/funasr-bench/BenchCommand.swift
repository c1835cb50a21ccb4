import ArgumentParser
import NIOCore
import NIOPosix

/// `funasr-bench`: the benchmark tools behind `make bench` (SSE upstream double, SSE client, startup timer, report).
@main
struct BenchCommand: AsyncParsableCommand {
    /// Entry point; `client-floor` runs its Swift tasks on NIO's event loops, as the gateway does.
    static func main() async {
        if CommandLine.arguments.dropFirst().first == "client-floor" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "funasr-bench",
        abstract: "Benchmark tools for funasr-gateway (used by scripts/bench.sh).",
        subcommands: [SSEUpstreamCommand.self, SSEClientCommand.self, StartupCommand.self, ReportCommand.self, ClientFloorCommand.self])
}
