import ArgumentParser
import DashScope
import Glibc

/// `funasr-bench client-calls`: the gateway's upstream client alone, one call at a time, in fixed batches for
/// `make profile`. After each batch it prints `BATCH k` and waits for a line on standard input, so the script can
/// dump valgrind's counters between batches (the first batch is the warm-up); standard input closed ends it.
struct ClientCallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-calls", abstract: "Fixed batches of sequential upstream calls, paused between batches.")

    @Option(help: "Base URL of the upstream double, e.g. http://127.0.0.1:19310.")
    var baseURL: String
    @Option(help: "Path requested (GET, through DashScopeClient.forward, the native passthrough's whole-answer path).")
    var path: String
    @Option(help: "Calls per batch.")
    var requests: Int = 1000

    func run() async throws {
        let endpoint = try DashScopeEndpoint(region: .beijing, baseURL: baseURL)
        let client = DashScopeClient(endpoint: endpoint, apiKey: APIKey("sk-bench-calls"))
        var batch = 0
        repeat {
            for _ in 0..<max(1, requests) {
                let answer = try? await client.forward(UpstreamRequest(method: "GET", path: path), CallContext(), retrying: false)
                guard case .whole(let response) = answer, (200..<300).contains(response.status) else {
                    await client.shutdown()
                    throw ValidationError("the upstream did not answer 2xx")
                }
            }
            print("BATCH \(batch)")
            fflush(nil)
            batch += 1
        } while readLine() != nil
        await client.shutdown()
    }
}
