import ArgumentParser

/// `funasr-bench`: the benchmark tools behind `make bench` (SSE upstream double, SSE client, startup timer, report).
@main
struct BenchCommand: AsyncParsableCommand {

    static let configuration = CommandConfiguration(
        commandName: "funasr-bench",
        abstract: "Benchmark tools for funasr-gateway (used by scripts/bench.sh).",
        subcommands: [
            SSEUpstreamCommand.self, SSEClientCommand.self, StartupCommand.self, ReportCommand.self, ClientFloorCommand.self,
            PacedLatencyCommand.self, BadInputCommand.self, ClientCallsCommand.self, LiveUpstreamCommand.self,
            LiveClientCommand.self,
        ])
}
