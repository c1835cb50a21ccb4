import Foundation

/// RSS and CPU of the sampled processes before the streams open, in the slow phase (nearly idle) and while they flow.
struct PhaseSummary: Sendable {
    var baseRSSKiB: Int
    var idleRSSKiB: Int
    var flowRSSKiB: Int
    var idleCPU: Double
    var flowCPU: Double
    var peakRSSKiB: Int

    /// `key=value` fields for the RESULT line.
    var fields: [String] {
        [
            "rss_base_kb=\(baseRSSKiB)", "rss_idle_kb=\(idleRSSKiB)", "rss_flow_kb=\(flowRSSKiB)",
            "cpu_idle_pct=\(String(format: "%.1f", idleCPU))", "cpu_flow_pct=\(String(format: "%.1f", flowCPU))", "rss_peak_kb=\(peakRSSKiB)",
        ]
    }
}

/// Samples `/proc` every 200 ms and sorts the samples into phases by the streams' progress.
///
/// Idle: every stream is open and fewer than `streams × (slowEvents − 1)` events have arrived (the slow,
/// one-event-per-interval part). Flowing: more than `streams × (slowEvents + 1)` events and not all ended.
struct PhaseSampler: Sendable {
    let pids: [Int32]
    let streams: Int
    let slowEvents: Int
    let progress: StreamProgress

    /// Samples until cancelled; nil when there is nothing to sample.
    func run() async -> PhaseSummary? {
        guard !pids.isEmpty else { return nil }
        let base = ProcSample.read(pids)
        var idle: [ProcSample] = []
        var flow: [ProcSample] = []
        var peak = base.rssKiB
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            let sample = ProcSample.read(pids)
            peak = max(peak, sample.rssKiB)
            let opened = progress.opened.load(ordering: .relaxed)
            let events = progress.events.load(ordering: .relaxed)
            let ended = progress.ended.load(ordering: .relaxed)
            if opened == streams, ended == 0, events < streams * max(0, slowEvents - 1) {
                idle.append(sample)
            } else if events > streams * (slowEvents + 1), ended < streams {
                flow.append(sample)
            }
        }
        return PhaseSummary(
            baseRSSKiB: base.rssKiB, idleRSSKiB: idle.map(\.rssKiB).max() ?? 0, flowRSSKiB: flow.map(\.rssKiB).max() ?? 0,
            idleCPU: Self.cpu(idle), flowCPU: Self.cpu(flow), peakRSSKiB: peak)
    }

    private static func cpu(_ samples: [ProcSample]) -> Double {
        guard let first = samples.first, let last = samples.last, last.at > first.at else { return 0 }
        return ProcSample.cpuPercent(from: first, to: last)
    }
}
