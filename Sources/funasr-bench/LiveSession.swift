import Foundation
import NIOCore
import WebSockets

/// One live-audio session of `live-client`: run-task, paced stamped frames, finish-task, latencies recorded.
struct LiveSession: Sendable {
    let url: WebSocketURL
    let headers: [(name: String, value: String)]
    let plan: LiveSessionPlan
    let index: Int
    let results: LiveResults

    /// Runs the session; a failure or the timeout is recorded, never thrown.
    func run(timeout: Duration) async {
        let outcome: String? = await withTaskGroup(of: String?.self) { group in
            group.addTask { await session() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : "timeout"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let outcome { results.failed(outcome) } else { results.completed() }
    }

    /// nil when the session finished, else why not.
    private func session() async -> String? {
        let dialed: WebSocketDialResult
        do throws(WebSocketDialError) {
            dialed = try await WebSocketClient.connect(url, headers: headers, timeout: .seconds(30))
        } catch {
            return "connect: \(error.description)"
        }
        guard case .upgraded(let connection) = dialed else { return "handshake refused" }
        let taskID = "bench-\(index)-\(UUID().uuidString.lowercased())"
        do {
            return try await connection.executeThenClose { inbound, outbound in
                try await outbound.write(.message(.text(ByteBuffer(string: Self.runTask(taskID)))))
                var events = inbound.makeAsyncIterator()
                guard let started = try await events.next(), Self.event(started) == "task-started" else {
                    return "no task-started"
                }
                let sender = Task {
                    let clock = ContinuousClock()
                    // Sessions are staggered over one interval so they do not send in lockstep.
                    var due = clock.now.advanced(by: plan.interval * Double(index % 97) / 97)
                    var frame = ByteBuffer(repeating: 0, count: 3200)
                    for _ in 0..<plan.frames {
                        try await Task.sleep(until: due, clock: clock)
                        frame.setInteger(Monotonic.nanos(), at: 0, endianness: .little, as: UInt64.self)
                        try await outbound.write(.message(.binary(frame)))
                        due = due.advanced(by: plan.interval)
                    }
                    try await outbound.write(.message(.text(ByteBuffer(string: Self.finishTask(taskID)))))
                }
                defer { sender.cancel() }
                while let event = try await events.next() {
                    guard case .message(.text(let buffer)) = event else { return "closed before task-finished" }
                    let arrived = Monotonic.nanos()
                    let text = String(buffer: buffer)
                    if text.contains("\"result-generated\"") {
                        guard let travel = LiveJSON.integer("bench_in_ns", in: text),
                              let sent = LiveJSON.integer("bench_sent_ns", in: text) else { return "unstamped event" }
                        results.record(inbound: Int64(travel), outbound: Int64(arrived &- sent))
                    } else if text.contains("\"task-finished\"") {
                        try await outbound.write(.close(code: .normalClosure, reason: ""))
                        return nil
                    } else if text.contains("\"task-failed\"") {
                        return "task-failed"
                    }
                }
                return "closed before task-finished"
            }
        } catch {
            return "connection: \(error)"
        }
    }

    private static func event(_ inbound: WebSocketInbound) -> String? {
        guard case .message(.text(let buffer)) = inbound else { return nil }
        return LiveJSON.value(of: "event", in: String(buffer: buffer))
    }

    private static func runTask(_ id: String) -> String {
        "{\"header\":{\"action\":\"run-task\",\"task_id\":\"\(id)\",\"streaming\":\"duplex\"},\"payload\":{\"task_group\":\"audio\","
            + "\"task\":\"asr\",\"function\":\"recognition\",\"model\":\"fun-asr-realtime\",\"parameters\":{\"format\":\"pcm\","
            + "\"sample_rate\":16000},\"input\":{}}}"
    }

    private static func finishTask(_ id: String) -> String {
        "{\"header\":{\"action\":\"finish-task\",\"task_id\":\"\(id)\",\"streaming\":\"duplex\"},\"payload\":{\"input\":{}}}"
    }
}
