import ArgumentParser
import DashScope
import Foundation
import Glibc
import NIOCore
import NIOPosix

/// `funasr-bench client-floor`: the gateway's upstream client alone (DashScopeClient over async-http-client),
/// `connections` tasks each sending GET requests back to
/// back for `seconds`. Its requests/s and CPU per request are a floor under what any gateway built on this
/// client can reach, whatever the server side costs.
struct ClientFloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-floor", abstract: "Requests/s and CPU per request of the upstream client alone.")

    @Option(help: "Base URL of the upstream double, e.g. http://127.0.0.1:19310.")
    var baseURL: String
    @Option(help: "Path requested.")
    var path: String
    @Option(help: "Concurrent requesters.")
    var connections: Int = 64
    @Option(help: "Seconds to run.")
    var seconds: Double = 3

    func run() async throws {
        let endpoint = try DashScopeEndpoint(region: .beijing, baseURL: baseURL)
        let client = DashScopeClient(endpoint: endpoint, apiKey: APIKey("sk-bench-floor"))
        // `forward` is the native passthrough's whole-answer path: the least the client does per proxied request.
        guard case .whole(let warmUp) = try await client.forward(UpstreamRequest(method: "GET", path: path), CallContext(), retrying: false),
              (200..<300).contains(warmUp.status)
        else { throw ValidationError("the upstream did not answer 2xx") }
        let before = ProcSample.read([getpid()])
        let started = Monotonic.nanos()
        let deadline = started + UInt64(seconds * 1e9)
        let (completed, failed) = await withTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<max(1, connections) {
                group.addTask {
                    var done = 0
                    var failed = 0
                    while Monotonic.nanos() < deadline {
                        let answer = try? await client.forward(UpstreamRequest(method: "GET", path: path), CallContext(), retrying: false)
                        if case .whole(let response) = answer, (200..<300).contains(response.status) { done += 1 } else { failed += 1 }
                    }
                    return (done, failed)
                }
            }
            return await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        let elapsed = Double(Monotonic.nanos() - started) / 1e9
        let after = ProcSample.read([getpid()])
        let cpuMicros = Double(after.cpuTicks - before.cpuTicks) * 1e6 / Double(sysconf(Int32(_SC_CLK_TCK)))
        await client.shutdown()
        let rps = Double(completed) / elapsed
        print(String(format: "RESULT rps=%.1f cpu_us=%.0f requests=%d failed=%d", rps, cpuMicros / Double(max(1, completed)), completed, failed))
    }
}
