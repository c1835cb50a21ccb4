import ArgumentParser
import DashScope

/// `funasr-bench bad-input`: sends `requests` malformed requests (BadInputCases) over `concurrency` connections and
/// fails when any answer is a 5xx, any request gets no answer, or the gateway stops answering `/healthz` afterwards.
struct BadInputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bad-input", abstract: "Malformed requests against a gateway: 0 server errors, still serving.")

    @Option(help: "Base URL of the gateway, e.g. http://127.0.0.1:8080.")
    var baseURL: String
    @Option(help: "Requests in all.")
    var requests: Int = 10_000
    @Option(help: "Requests in flight at once.")
    var concurrency: Int = 16
    @Option(help: "Local token sent as the bearer (any value when the gateway has none).")
    var token: String = "bad-input"

    func run() async throws {
        let client = DashScopeClient(
            endpoint: try DashScopeEndpoint(region: .beijing, baseURL: baseURL), apiKey: APIKey(token), retryPolicy: .never)
        let workers = max(1, concurrency)
        let counts = await withTaskGroup(of: [Int: Int].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var counts: [Int: Int] = [:]
                    for index in stride(from: worker, to: requests, by: workers) {
                        let status: Int
                        switch try? await client.forward(BadInputCases.request(index), CallContext(), retrying: false) {
                        case .whole(let response): status = response.status
                        case .events(let head, _, _): status = head
                        case nil: status = 0
                        }
                        counts[status, default: 0] += 1
                        if status >= 500 || status == 0 { print("case \(index) (kind \(index % BadInputCases.kinds)): status \(status)") }
                    }
                    return counts
                }
            }
            return await group.reduce(into: [:]) { total, part in total.merge(part, uniquingKeysWith: +) }
        }
        let health = try? await client.forward(UpstreamRequest(method: "GET", path: "/healthz"), CallContext(), retrying: false)
        var healthy = false
        if case .whole(let response) = health { healthy = response.status == 200 }
        await client.shutdown()
        let serverErrors = counts.filter { $0.key >= 500 || $0.key == 0 }.values.reduce(0, +)
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key == 0 ? "none" : String($0.key))=\($0.value)" }.joined(separator: " ")
        print("RESULT requests=\(requests) server_errors=\(serverErrors) healthy_after=\(healthy) statuses: \(summary)")
        if serverErrors > 0 || !healthy { throw ExitCode.failure }
    }
}
