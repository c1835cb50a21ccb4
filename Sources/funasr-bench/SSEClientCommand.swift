import ArgumentParser
import Foundation
import NIOPosix
import Synchronization

/// `funasr-bench sse-client`: opens K streams at once, checks every event of every stream, prints
/// arrival − send latency percentiles, events/s and (with `--sample-pids`) RSS and CPU per phase.
struct SSEClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sse-client", abstract: "Open SSE streams, check order and completeness, measure per-event latency.")

    @Option(help: "Stream URL, http://127.0.0.1:PORT/path.")
    var url: String
    @Option(help: "Request shape: local ({\"audio_url\",\"stream\"}) or dashscope (the generation body).")
    var api: String = "local"
    @Option(help: "Concurrent streams.")
    var streams: Int = 1
    @Option(help: "Flowing events per stream.")
    var events: Int = 100
    @Option(name: .customLong("interval-ms"), help: "Milliseconds between flowing events (0: unpaced).")
    var intervalMs: Int = 10
    @Option(name: .customLong("slow-events"), help: "Slow events sent before the flowing ones.")
    var slowEvents: Int = 0
    @Option(name: .customLong("slow-interval-ms"), help: "Milliseconds between slow events.")
    var slowIntervalMs: Int = 1000
    @Option(help: "Bearer key to send (the direct condition).")
    var key: String?
    @Option(help: "Label printed in the RESULT line.")
    var label: String = "run"
    @Option(help: "Client event-loop threads.")
    var threads: Int = 1
    @Option(name: .customLong("connect-concurrency"), help: "Connects in flight at once while opening streams.")
    var connectConcurrency: Int = 50
    @Option(name: .customLong("sample-pids"), help: "Comma-separated pids whose RSS and CPU are sampled (summed).")
    var samplePids: String = ""
    @Option(name: .customLong("timeout-s"), help: "Give up (exit 2) after this many seconds.")
    var timeoutSeconds: Int = 120

    func run() async throws {
        let target = try makeTarget()
        let plan = StreamPlan(events: events, intervalMs: intervalMs, slowEvents: slowEvents, slowIntervalMs: slowIntervalMs)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let progress = StreamProgress()
        let connector = SSEConnector(group: group, progress: progress)
        let pids = samplePids.split(separator: ",").compactMap { Int32($0) }
        let sampler = PhaseSampler(pids: pids, streams: streams, slowEvents: slowEvents, progress: progress)
        let samplerTask = Task { await sampler.run() }
        let watchdog = Task { [timeoutSeconds, label] in
            try await Task.sleep(for: .seconds(timeoutSeconds))
            print("RESULT label=\(label) status=timeout opened=\(progress.opened.load(ordering: .relaxed)) ended=\(progress.ended.load(ordering: .relaxed))")
            fflush(nil)
            Foundation.exit(2)
        }
        let started = Monotonic.nanos()
        let checks = await withTaskGroup(of: StreamCheck.self) { group in
            var collected: [StreamCheck] = []
            for added in 0..<streams {
                while added - progress.connected.load(ordering: .relaxed) >= connectConcurrency {
                    try? await Task.sleep(for: .milliseconds(1))
                }
                group.addTask { await connector.run(target, expected: plan.totalEvents, expectsDone: api == "local") }
            }
            for await check in group { collected.append(check) }
            return collected
        }
        let elapsed = Double(Monotonic.nanos() - started) / 1e9
        watchdog.cancel()
        samplerTask.cancel()
        let phases = await samplerTask.value
        try? await group.shutdownGracefully()
        report(checks, elapsed: elapsed, phases: phases)
        if checks.contains(where: { !$0.isComplete }) { throw ExitCode(1) }
    }

    private func report(_ checks: [StreamCheck], elapsed: Double, phases: PhaseSummary?) {
        let complete = checks.filter(\.isComplete).count
        let latencies = checks.flatMap(\.latencies).sorted()
        let received = checks.reduce(0) { $0 + $1.results }
        let perStream = checks.compactMap { check -> Double? in
            guard check.results > 1, check.lastArrival > check.firstArrival else { return nil }
            return Double(check.results - 1) / (Double(check.lastArrival - check.firstArrival) / 1e9)
        }
        var fields = [
            "label=\(label)", "status=\(complete == streams ? "ok" : "incomplete")", "streams=\(streams)",
            "complete=\(complete)", "events=\(received)", "expected=\(streams * (events + slowEvents))",
            "p50_us=\(Stats.micros(Stats.percentileOfSorted(latencies, 50)))",
            "p99_us=\(Stats.micros(Stats.percentileOfSorted(latencies, 99)))",
            "max_us=\(Stats.micros(latencies.last ?? 0))",
            "stream_events_per_s=\(String(format: "%.0f", Stats.median(perStream) ?? 0))",
            "total_events_per_s=\(String(format: "%.0f", Double(received) / max(elapsed, 1e-9)))",
            "elapsed_s=\(String(format: "%.2f", elapsed))",
        ]
        if let phases { fields += phases.fields }
        print("RESULT " + fields.joined(separator: " "))
        for check in checks where !check.isComplete {
            FileHandle.standardError.write(Data("stream problem: \(check.problems.joined(separator: "; "))\n".utf8))
            break
        }
    }

    private func makeTarget() throws -> StreamTarget {
        guard url.hasPrefix("http://") else { throw ValidationError("--url must start with http://") }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let (host, port) = try HostPort.parse(String(rest[..<slash]))
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        let plan = StreamPlan(events: events, intervalMs: intervalMs, slowEvents: slowEvents, slowIntervalMs: slowIntervalMs)
        var headers: [(String, String)] = []
        if let key { headers.append(("Authorization", "Bearer \(key)")) }
        let body: String
        switch api {
        case "local":
            body = "{\"audio_url\":\"\(plan.audioURL)\",\"stream\":true}"
        case "dashscope":
            headers.append(("X-DashScope-SSE", "enable"))
            body = "{\"model\":\"fun-asr-flash-2026-06-15\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"\(plan.audioURL)\"}}]}]},"
                + "\"parameters\":{\"format\":\"wav\"}}"
        default:
            throw ValidationError("--api must be local or dashscope")
        }
        return StreamTarget(host: host, port: port, path: path, body: Array(body.utf8), headers: headers)
    }
}
