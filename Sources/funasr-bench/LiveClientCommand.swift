import ArgumentParser
import Foundation
import NIOCore
import Synchronization
import WebSockets

/// `funasr-bench live-client`: opens live-audio sessions (DashScope's duplex protocol) against the gateway or the
/// upstream double directly and measures, per audio frame, its travel time to the upstream and the answering
/// event's travel time back (CLOCK_MONOTONIC stamps shared by both processes), plus the sampled processes' RSS.
///
/// Each session sends `run-task`, waits for `task-started`, sends `frames` binary frames of 3,200 bytes (100 ms of
/// 16 kHz 16-bit audio) `frame-ms` apart (sessions staggered), then `finish-task`, and waits for `task-finished`.
/// Prints one `RESULT key=value …` line.
struct LiveClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live-client", abstract: "Live-audio sessions over WebSocket: per-frame latency each way and RSS.")

    @Option(help: "WebSocket URL, e.g. ws://127.0.0.1:8080/api-ws/v1/inference.")
    var url: String

    @Option(help: "Bearer token sent as Authorization (the gateway's local token, or a key when direct).")
    var token: String?

    @Option(help: "Concurrent sessions.")
    var sessions: Int = 1

    @Option(help: "Audio frames per session.")
    var frames: Int = 100

    @Option(name: .customLong("frame-ms"), help: "Milliseconds between a session's frames.")
    var frameMs: Int = 100

    @Option(name: .customLong("sample-pids"), help: "Comma-separated pids whose RSS is sampled every 200 ms.")
    var samplePids: String = ""

    @Option(name: .customLong("timeout-s"), help: "Give up after this many seconds.")
    var timeoutS: Int = 120

    func run() async throws {
        guard let target = WebSocketURL(url) else { throw ValidationError("not a ws:// or wss:// URL: \(url)") }
        let pids = samplePids.split(separator: ",").compactMap { Int32($0) }
        let results = LiveResults()
        let headers: [(name: String, value: String)] = token.map { [("Authorization", "Bearer \($0)")] } ?? []
        let plan = LiveSessionPlan(frames: frames, interval: .milliseconds(frameMs), sessions: sessions)
        let base = ProcSample.read(pids)
        let sampler = Task { () -> Int in
            var peak = base.rssKiB
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                peak = max(peak, ProcSample.read(pids).rssKiB)
            }
            return peak
        }
        let started = Monotonic.nanos()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<sessions {
                group.addTask {
                    await LiveSession(url: target, headers: headers, plan: plan, index: index, results: results)
                        .run(timeout: .seconds(timeoutS))
                }
            }
        }
        let seconds = Double(Monotonic.nanos() - started) / 1e9
        sampler.cancel()
        let peak = await sampler.value
        let summary = results.summary()
        var fields = [
            "sessions=\(sessions)", "complete=\(summary.complete)", "frames_answered=\(summary.inbound.count)",
            "in_p50_us=\(Stats.micros(Stats.percentileOfSorted(summary.inbound, 50)))",
            "in_p99_us=\(Stats.micros(Stats.percentileOfSorted(summary.inbound, 99)))",
            "out_p50_us=\(Stats.micros(Stats.percentileOfSorted(summary.outbound, 50)))",
            "out_p99_us=\(Stats.micros(Stats.percentileOfSorted(summary.outbound, 99)))",
            "seconds=\(String(format: "%.1f", seconds))",
        ]
        if !pids.isEmpty { fields += ["rss_base_kb=\(base.rssKiB)", "rss_peak_kb=\(peak)"] }
        if let failure = summary.firstFailure { fields.append("first_failure=\(failure.replacingOccurrences(of: " ", with: "_"))") }
        print("RESULT " + fields.joined(separator: " "))
    }
}

/// The pacing shared by every session of a run.
struct LiveSessionPlan: Sendable {
    var frames: Int
    var interval: Duration
    var sessions: Int
}

/// Latencies (ns) and completions gathered from every session.
final class LiveResults: Sendable {
    private struct State {
        var inbound: [Int64] = []
        var outbound: [Int64] = []
        var complete = 0
        var firstFailure: String?
    }

    private let state = Mutex(State())

    /// One answered frame: its time to the upstream and the answer's time back.
    func record(inbound: Int64, outbound: Int64) {
        state.withLock {
            $0.inbound.append(inbound)
            $0.outbound.append(outbound)
        }
    }

    /// A session that got `task-finished`.
    func completed() { state.withLock { $0.complete += 1 } }

    /// A session that did not finish, and why.
    func failed(_ why: String) { state.withLock { if $0.firstFailure == nil { $0.firstFailure = why } } }

    /// Sorted latencies, completions and the first failure.
    func summary() -> (inbound: [Int64], outbound: [Int64], complete: Int, firstFailure: String?) {
        state.withLock { ($0.inbound.sorted(), $0.outbound.sorted(), $0.complete, $0.firstFailure) }
    }
}
