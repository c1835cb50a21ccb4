import Foundation
import MicroHTTPServer
import Synchronization
import Testing
@testable import DashScopeSimulator

let testKey = SimulatorConfiguration.testAPIKey
let submitPath = "/api/v1/services/audio/asr/transcription"
let generationPath = "/api/v1/services/aigc/multimodal-generation/generation"

/// A simulator on a manual clock with fast timings and a sleep that records instead of waiting.
struct Harness {
    let simulator: Simulator
    let clock: ManualSimulatorClock
    let sleeps: SleepLog

    init(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) {
        var configuration = SimulatorConfiguration.fastForTests
        configuration.pendingDuration = .seconds(1)
        configuration.runningDuration = .seconds(2)
        configure(&configuration)
        clock = ManualSimulatorClock()
        let log = SleepLog()
        sleeps = log
        simulator = Simulator(configuration: configuration, clock: clock, sleep: { log.record($0) })
    }

    /// Sends a request through `handle(_:)`.
    func send(
        _ method: String, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: String = "", key: String? = testKey
    ) async -> HTTPResponse {
        var all = HTTPHeaders()
        all.add("Host", "sim.test:8000")
        if let key { all.add("Authorization", "Bearer \(key)") }
        for (name, value) in headers { all.add(name, value) }
        let head = HTTPRequestHead(method: method, path: path, query: query.map { (name: $0.0, value: $0.1) }, headers: all)
        return await simulator.handle(HTTPRequest(head: head, body: Array(body.utf8)))
    }

    /// Submits a transcription task and returns its id.
    func submit(_ urls: [String], parameters: String? = "{}", model: String = "fun-asr") async throws -> String {
        let list = urls.map { "\"\($0)\"" }.joined(separator: ",")
        let params = parameters.map { ",\"parameters\":\($0)" } ?? ""
        let response = await send(
            "POST", submitPath, headers: [("X-DashScope-Async", "enable"), ("Content-Type", "application/json")],
            body: "{\"model\":\"\(model)\",\"input\":{\"file_urls\":[\(list)]}\(params)}")
        #expect(response.status == 200)
        let output = try #require(response.object["output"] as? [String: Any])
        return try #require(output["task_id"] as? String)
    }

    /// Queries a task and returns the whole answer.
    func query(_ id: String) async -> [String: Any] {
        await send("GET", "/api/v1/tasks/\(id)").object
    }
}

/// Records requested sleeps; never actually waits.
final class SleepLog: Sendable {
    private let entries = Mutex<[Duration]>([])
    func record(_ duration: Duration) { entries.withLock { $0.append(duration) } }
    var all: [Duration] { entries.withLock { $0 } }
}

/// A stream sink that keeps every write separately.
final class CollectingSink: StreamSink {
    private let state = Mutex<(writes: [[UInt8]], aborted: Bool)>(([], false))
    func write(_ bytes: [UInt8]) async throws { state.withLock { $0.writes.append(bytes) } }
    func abortConnection() { state.withLock { $0.aborted = true } }
    var writes: [[UInt8]] { state.withLock { $0.writes } }
    var aborted: Bool { state.withLock { $0.aborted } }
    var text: String { String(decoding: writes.flatMap { $0 }, as: UTF8.self) }
}

extension HTTPResponse {
    /// The bytes of a complete body (empty for streams).
    var bytes: [UInt8] {
        if case .bytes(let bytes) = body { return bytes }
        return []
    }

    /// The body as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    /// The DashScope error code of the body.
    var code: String? { object["code"] as? String }

    /// True for a streamed body.
    var isStream: Bool {
        if case .stream = body { return true }
        return false
    }
}

/// Parses one JSON object from text.
func jsonObject(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}
