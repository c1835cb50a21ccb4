import ArgumentParser
import Foundation

/// `funasr-bench report`: turns the raw measurements into the BENCHMARKS.md tables (medians over rounds,
/// per-round ratios gateway/nginx and gateway/direct, added latency) and the targets with pass/miss.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Print BENCHMARKS.md from raw measurements.")

    @Option(help: "The raw measurements file.")
    var raw: String
    @Option(help: "The command that produced them.")
    var command: String = "make bench"
    @Option(help: "wrk settings, for the heading.")
    var wrk: String = ""
    @Option(name: .customLong("query-route"), help: "Route the query throughput and added-latency targets are judged on.")
    var queryRoute: String
    @Option(name: .customLong("sse-route"), help: "SSE route the per-event latency target is judged on.")
    var sseRoute: String
    @Option(help: "Markdown file appended after the tables (notes).")
    var notes: String?
    @Option(help: "When the measurements were taken (default: now).")
    var date: String?

    func run() throws {
        let data = Measurements(text: try String(contentsOfFile: raw, encoding: .utf8))
        var out = ReportText(data: data)
        let date = self.date ?? ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime])
        out.line("# Benchmarks")
        out.line("")
        out.line("Measured \(date) on \(ProcessInfo.processInfo.activeProcessorCount) cores (`nproc`), loopback only, with `\(command)`.")
        out.line("Conditions alternate inside each round (direct, nginx, gateway); every figure is the median over rounds, and")
        out.line("ratios and added latencies are taken per round, then the median. Added latency = gateway − direct.")
        out.line("")
        out.targets(queryRoute: queryRoute, sseRoute: sseRoute)
        out.plain(wrk: wrk)
        out.sse()
        out.streams()
        out.startup()
        if let notes, let text = try? String(contentsOfFile: notes, encoding: .utf8) {
            out.line(text)
        }
        print(out.text, terminator: "")
    }
}

/// Formats the report's sections.
struct ReportText {
    let data: Measurements
    var text = ""
    let order = ["direct", "nginx", "gateway"]

    mutating func line(_ text: String) { self.text += text + "\n" }

    static func num(_ value: Double?, _ digits: Int = 0) -> String {
        guard let value else { return "–" }
        if digits == 0 {
            let formatter = NumberFormatter()
            formatter.numberStyle = .decimal
            formatter.maximumFractionDigits = 0
            return formatter.string(from: NSNumber(value: value.rounded())) ?? "\(Int(value))"
        }
        return String(format: "%.\(digits)f", value)
    }

    static func signed(_ value: Double?, _ digits: Int) -> String {
        guard let value else { return "–" }
        return (value >= 0 ? "+" : "") + String(format: "%.\(digits)f", value)
    }

    mutating func targets(queryRoute: String, sseRoute: String) {
        line("## Targets (2 cores, loopback)")
        line("")
        line("| target | goal | measured | result |")
        line("| --- | --- | --- | --- |")
        let ratio = data.pairedMedian("http", queryRoute, 64, "rps", "gateway", "nginx", /)
        let gateway = data.median("http", queryRoute, 64, "gateway", "rps")
        let nginx = data.median("http", queryRoute, 64, "nginx", "rps")
        row("query throughput at 64 connections (`\(queryRoute)`)", "gateway ≥ nginx",
            "\(Self.num(ratio, 2))× nginx (\(Self.num(gateway)) vs \(Self.num(nginx)) req/s)", ratio.map { $0 >= 1 })
        let added = data.pairedMedian("http", queryRoute, 16, "p99_us", "gateway", "direct", -)
        row("p99 added latency at 16 connections (`\(queryRoute)`)", "< 1 ms",
            "\(Self.signed(added.map { $0 / 1000 }, 3)) ms", added.map { $0 < 1000 })
        let sseConns = data.conns("sse", sseRoute).last ?? 0
        let sseAdded = data.pairedMedian("sse", sseRoute, sseConns, "p99_us", "gateway", "direct", -)
        row("SSE added latency per event, p99, \(sseConns) streams (`\(sseRoute)`)", "< 1 ms",
            "\(Self.signed(sseAdded.map { $0 / 1000 }, 3)) ms", sseAdded.map { $0 < 1000 })
        let streamRoute = data.routes("streams").first ?? "-"
        let streamConns = data.conns("streams", streamRoute).first ?? 0
        let peak = data.median("streams", streamRoute, streamConns, "gateway", "rss_peak_kb")
        let complete = data.median("streams", streamRoute, streamConns, "gateway", "complete")
        row("\(Self.num(Double(streamConns))) open streams, gateway RSS (`\(streamRoute)`)", "< 100 MB",
            "\(Self.num(peak.map { $0 * 1024 / 1e6 }, 1)) MB peak, \(Self.num(complete)) of \(Self.num(Double(streamConns))) streams complete",
            peak.map { $0 * 1024 < 100e6 && complete == Double(streamConns) })
        let idle = data.median("startup", "healthz", 1, "gateway", "idle_rss_kb")
        row("idle RSS", "< 25 MB", "\(Self.num(idle.map { $0 * 1024 / 1e6 }, 1)) MB", idle.map { $0 * 1024 < 25e6 })
        let startup = data.median("startup", "healthz", 1, "gateway", "startup_ms")
        row("first answered request after start", "< 100 ms", "\(Self.num(startup, 1)) ms", startup.map { $0 < 100 })
        line("")
    }

    private mutating func row(_ name: String, _ goal: String, _ measured: String, _ pass: Bool?) {
        line("| \(name) | \(goal) | \(measured) | \(pass.map { $0 ? "pass" : "**miss**" } ?? "not measured") |")
    }

    mutating func plain(wrk: String) {
        guard !data.routes("http").isEmpty else { return }
        line("## Plain requests (wrk \(wrk), \(data.rounds("http")) rounds)")
        line("")
        line("| route | conns | metric | direct | nginx | gateway | gateway/nginx | gateway/direct | added (gateway − direct) |")
        line("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for route in data.routes("http") {
            for conns in data.conns("http", route) {
                let cells = order.map { data.median("http", route, conns, $0, "rps") }
                line("| `\(route)` | \(conns) | req/s | \(cells.map { Self.num($0) }.joined(separator: " | ")) | "
                    + "\(Self.num(data.pairedMedian("http", route, conns, "rps", "gateway", "nginx", /), 2)) | "
                    + "\(Self.num(data.pairedMedian("http", route, conns, "rps", "gateway", "direct", /), 2)) | |")
                for (metric, name) in [("p50_us", "p50 ms"), ("p99_us", "p99 ms")] {
                    let values = order.map { data.median("http", route, conns, $0, metric).map { $0 / 1000 } }
                    let added = data.pairedMedian("http", route, conns, metric, "gateway", "direct", -).map { $0 / 1000 }
                    line("| | | \(name) | \(values.map { Self.num($0, 3) }.joined(separator: " | ")) | "
                        + "\(Self.num(data.pairedMedian("http", route, conns, metric, "gateway", "nginx", /), 2)) | "
                        + "\(Self.num(data.pairedMedian("http", route, conns, metric, "gateway", "direct", /), 2)) | "
                        + "\(Self.signed(added, 3)) ms |")
                }
                let cpu = order.map { data.median("http", route, conns, $0, "cpu_us") }
                line("| | | CPU µs per request (the proxy) | \(cpu.map { Self.num($0) }.joined(separator: " | ")) | "
                    + "\(Self.num(data.pairedMedian("http", route, conns, "cpu_us", "gateway", "nginx", /), 2)) | | |")
                let failures = order.compactMap { data.median("http", route, conns, $0, "failed") }.reduce(0, +)
                if failures > 0 { line("| | | failed requests (median) | \(order.map { Self.num(data.median("http", route, conns, $0, "failed")) }.joined(separator: " | ")) | | | |") }
            }
        }
        line("")
    }

    mutating func sse() {
        guard !data.routes("sse").isEmpty else { return }
        line("## SSE relay: per-event latency (client arrival − upstream send, CLOCK_MONOTONIC), \(data.rounds("sse")) rounds")
        line("")
        line("| route | streams | metric | direct | nginx | gateway | gateway/nginx | gateway/direct | added (gateway − direct) |")
        line("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for route in data.routes("sse") {
            for conns in data.conns("sse", route) {
                for (metric, name) in [("p50_us", "p50 µs"), ("p99_us", "p99 µs"), ("max_us", "max µs")] {
                    let values = order.map { data.median("sse", route, conns, $0, metric) }
                    line("| `\(route)` | \(conns) | \(name) | \(values.map { Self.num($0, 1) }.joined(separator: " | ")) | "
                        + "\(Self.num(data.pairedMedian("sse", route, conns, metric, "gateway", "nginx", /), 2)) | "
                        + "\(Self.num(data.pairedMedian("sse", route, conns, metric, "gateway", "direct", /), 2)) | "
                        + "\(Self.signed(data.pairedMedian("sse", route, conns, metric, "gateway", "direct", -), 1)) µs |")
                }
                let complete = order.map { data.median("sse", route, conns, $0, "complete") }
                line("| | | streams complete | \(complete.map { Self.num($0) }.joined(separator: " | ")) | | | |")
            }
        }
        for route in data.routes("sse-rate") {
            for conns in data.conns("sse-rate", route) {
                let values = order.map { data.median("sse-rate", route, conns, $0, "stream_events_per_s") }
                line("| `\(route)` | \(conns) | events/s, one unpaced stream | \(values.map { Self.num($0) }.joined(separator: " | ")) | "
                    + "\(Self.num(data.pairedMedian("sse-rate", route, conns, "stream_events_per_s", "gateway", "nginx", /), 2)) | "
                    + "\(Self.num(data.pairedMedian("sse-rate", route, conns, "stream_events_per_s", "gateway", "direct", /), 2)) | |")
            }
        }
        line("")
    }

    mutating func streams() {
        guard !data.routes("streams").isEmpty else { return }
        line("## Concurrent open streams (RSS and CPU of the middle process: none for direct, nginx's master + workers, the gateway)")
        line("")
        line("Slow: each stream gets 1 event/s (nearly idle); flowing: 5 events/s each. CPU is % of one core.")
        line("")
        line("| route | streams | condition | complete | RSS before | RSS slow | RSS flowing | peak RSS | CPU slow | CPU flowing | p99 µs |")
        line("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for route in data.routes("streams") {
            for conns in data.conns("streams", route) {
                for condition in order where !data.values("streams", route, conns, condition, "complete").isEmpty {
                    func mb(_ metric: String) -> String {
                        Self.num(data.median("streams", route, conns, condition, metric).map { $0 * 1024 / 1e6 }, 1) + " MB"
                    }
                    func pct(_ metric: String) -> String {
                        Self.num(data.median("streams", route, conns, condition, metric), 0) + " %"
                    }
                    line("| `\(route)` | \(Self.num(Double(conns))) | \(condition) | \(Self.num(data.median("streams", route, conns, condition, "complete"))) | "
                        + "\(mb("rss_base_kb")) | \(mb("rss_idle_kb")) | \(mb("rss_flow_kb")) | \(mb("rss_peak_kb")) | "
                        + "\(pct("cpu_idle_pct")) | \(pct("cpu_flow_pct")) | \(Self.num(data.median("streams", route, conns, condition, "p99_us"), 0)) |")
                }
            }
        }
        line("")
    }

    mutating func startup() {
        guard let startup = data.median("startup", "healthz", 1, "gateway", "startup_ms") else { return }
        let idle = data.median("startup", "healthz", 1, "gateway", "idle_rss_kb")
        line("## Start-up")
        line("")
        line("| metric | gateway |")
        line("| --- | ---: |")
        line("| process start → first answered `GET /healthz` (median of runs) | \(Self.num(startup, 1)) ms |")
        line("| idle RSS 1 s after the first answer | \(Self.num(idle.map { $0 * 1024 / 1e6 }, 1)) MB |")
        line("")
    }
}
