import ArgumentParser
import DashScope
import Foundation
import Glibc

/// `funasr-bench paced`: an open-loop latency test. `connections` requesters each send GET requests on a fixed
/// schedule (together `rate` per second) and a request's latency is measured from when it was *due*, so a slow
/// answer that delays the next send is charged to the next request too (no coordinated omission). Unlike wrk's
/// closed loop, the latency it reports is not the queue a saturated server builds.
struct PacedLatencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paced", abstract: "Open-loop latency percentiles at a fixed request rate.")

    @Option(help: "Base URL of the server, e.g. http://127.0.0.1:19312.")
    var baseURL: String
    @Option(help: "Path requested.")
    var path: String
    @Option(help: "Concurrent requesters (connections).")
    var connections: Int = 16
    @Option(help: "Requests per second, all requesters together.")
    var rate: Double = 2000
    @Option(help: "Seconds to run (after a 0.5 s warm-up).")
    var seconds: Double = 3
    @Option(help: "Bearer key sent with every request (the direct condition needs one).")
    var key: String = "sk-bench-paced"

    func run() async throws {
        let client = DashScopeClient(endpoint: try DashScopeEndpoint(region: .beijing, baseURL: baseURL), apiKey: APIKey(key))
        let requesters = max(1, connections)
        let interval = Double(requesters) / max(1, rate)
        let start = Monotonic.nanos() + 500_000_000
        let end = start + UInt64(seconds * 1e9)
        let results = await withTaskGroup(of: ([Double], Int).self) { group in
            for index in 0..<requesters {
                group.addTask {
                    var latencies: [Double] = []
                    var failed = 0
                    // Requesters are staggered across one interval so that sends are spread evenly.
                    var due = start - 500_000_000 + UInt64(Double(index) / Double(requesters) * interval * 1e9)
                    while due < end {
                        let now = Monotonic.nanos()
                        if due > now { try? await Task.sleep(for: .nanoseconds(Int64(due - now))) }
                        let answer = try? await client.forward(UpstreamRequest(method: "GET", path: path), CallContext(), retrying: false)
                        if due >= start {
                            if case .whole(let response) = answer, (200..<300).contains(response.status) {
                                latencies.append(Double(Monotonic.nanos() - due) / 1000)
                            } else {
                                failed += 1
                            }
                        }
                        due += UInt64(interval * 1e9)
                    }
                    return (latencies, failed)
                }
            }
            return await group.reduce(into: ([Double](), 0)) { $0.0 += $1.0; $0.1 += $1.1 }
        }
        await client.shutdown()
        let sorted = results.0.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((p / 100) * Double(sorted.count)))]
        }
        print(String(
            format: "RESULT p50_us=%.0f p99_us=%.0f completed=%d failed=%d rate=%.0f connections=%d",
            percentile(50), percentile(99), sorted.count, results.1, rate, requesters))
    }
}
