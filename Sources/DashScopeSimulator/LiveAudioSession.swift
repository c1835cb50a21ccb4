import JSON
import NIOCore
import Synchronization
import WebSockets

/// DashScope's live-audio WebSocket protocol on one connection (realtime-websocket.md A3–A9): `run-task` →
/// `task-started`; audio → `result-generated`; `finish-task` → the last sentence and `task-finished`; the socket
/// then takes another `run-task`. Faults: `task-failed` after N results, or the connection cut after N results.
/// Like DashScope (A8), a task that receives nothing for `idleTimeout` (23 s) fails with `CLIENT_ERROR`
/// "request timeout after 23 seconds." and the connection closes.
struct LiveAudioSession: Sendable {
    /// The faults the handshake took.
    let faults: AppliedFaults
    /// How long a running task may receive nothing before it fails.
    var idleTimeout: Duration = .seconds(23)
    /// Records what arrives (and the end) in the simulator's log.
    let log: @Sendable (_ update: (inout LiveAudioLog) -> Void) -> Void

    /// Serves the connection until the client closes it or a fault ends it.
    func run(_ connection: WebSocketChannel) async {
        log { $0.opened += 1 }
        defer { log { $0.ended += 1 } }
        let activity = ActivityClock()
        try? await connection.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await watch(activity, outbound) }
                try await serve(inbound, outbound, connection, activity)
                group.cancelAll()
            }
        }
    }

    /// When the client last sent something, and the task that is running (nil between tasks).
    private struct Activity {
        var taskID: String?
        var last = ContinuousClock.now
        var timedOut = false
    }

    /// The activity shared by the reader and the idle watch.
    private final class ActivityClock: Sendable {
        let state = Mutex(Activity())

        func withLock<T>(_ body: (inout Activity) -> T) -> T { state.withLock { body(&$0) } }
    }

    /// Fails the running task once it has received nothing for `idleTimeout`, then closes the connection.
    private func watch(_ activity: ActivityClock, _ outbound: NIOAsyncChannelOutboundWriter<WebSocketOutbound>) async throws {
        while true {
            // Between tasks there is nothing to time: look again a whole timeout later (never a busy loop).
            let timed: ContinuousClock.Instant? = activity.withLock { $0.taskID == nil ? nil : $0.last + idleTimeout }
            let deadline = timed ?? ContinuousClock.now + idleTimeout
            try await Task.sleep(until: deadline, clock: .continuous)
            let expired: String? = activity.withLock { state in
                guard let taskID = state.taskID, ContinuousClock.now >= state.last + idleTimeout else { return nil }
                state.timedOut = true
                return taskID
            }
            guard let expired else { continue }
            let message = "request timeout after \(Self.describe(idleTimeout)) seconds."
            let event = LiveAudioEvents.failed(taskID: expired, code: "CLIENT_ERROR", message: message)
            try await outbound.write(.message(.text(ByteBuffer(string: event))))
            try await outbound.write(.close(code: .normalClosure, reason: ""))
            return
        }
    }

    /// "23" for whole seconds, else the fraction ("0.3").
    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return String(seconds) }
        return String(Double(seconds) + Double(attoseconds) / 1e18)
    }

    private func serve(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketInbound>, _ outbound: NIOAsyncChannelOutboundWriter<WebSocketOutbound>,
        _ connection: WebSocketChannel, _ activity: ActivityClock
    ) async throws {
        do {
            var task: LiveAudioTask?
            var results = 0
            func send(_ text: String) async throws {
                try await outbound.write(.message(.text(ByteBuffer(string: text))))
            }
            /// Sends one result-generated event; false when a fault ends the connection instead.
            func deliver(_ event: String, taskID: String, counted: Bool = false) async throws -> Bool {
                if !counted, Self.isFinal(event) { log { $0.finals += 1 } }
                try await send(event)
                guard event.contains("\"result-generated\"") else { return true }
                results += 1
                return try await survives(taskID: taskID)
            }
            func survives(taskID: String) async throws -> Bool {
                if let failure = faults.liveTaskFailed, results >= failure.results {
                    try await send(LiveAudioEvents.failed(taskID: taskID, code: failure.code, message: failure.message))
                    try await outbound.write(.close(code: .normalClosure, reason: ""))
                    return false
                }
                if let cut = faults.liveAbruptClose, results >= cut {
                    connection.channel.close(promise: nil)
                    return false
                }
                return true
            }
            for try await event in inbound {
                // After a timeout only the close handshake is left.
                if activity.withLock({ $0.timedOut }), case .message = event { continue }
                switch event {
                case .close:
                    return
                case .message(.binary(let audio)):
                    log { $0.audioBytes += audio.readableBytes }
                    guard var current = task else { continue }
                    for event in current.audio(audio.readableBytes) where try await !deliver(event, taskID: current.taskID) {
                        return
                    }
                    task = current
                case .message(.text(let text)):
                    let body = String(buffer: text)
                    log { $0.texts.append(body) }
                    switch Command(body) {
                    case .run(let taskID):
                        guard task == nil else {
                            try await fail(taskID: taskID, "a task is already running on this connection", outbound)
                            return
                        }
                        guard try await survives(taskID: taskID) else { return }
                        task = LiveAudioTask(taskID: taskID)
                        try await send(LiveAudioEvents.started(taskID: taskID))
                    case .finish(let taskID):
                        guard var current = task, current.taskID == taskID else {
                            try await fail(taskID: taskID, "finish-task for a task that is not running", outbound)
                            return
                        }
                        let closing = current.finish()
                        log {
                            $0.finishedTasks += 1
                            $0.finals += closing.filter(Self.isFinal).count
                        }
                        for event in closing where try await !deliver(event, taskID: taskID, counted: true) {
                            return
                        }
                        task = nil
                    case .invalid(let taskID):
                        try await fail(taskID: taskID, "Invalid payload data", outbound)
                        return
                    }
                }
                let running = task?.taskID
                activity.withLock { state in
                    state.taskID = running
                    state.last = ContinuousClock.now
                }
            }
        }
    }

    /// True for a `result-generated` event that ends its sentence.
    static func isFinal(_ event: String) -> Bool {
        event.contains("\"sentence_end\":true")
    }

    private func fail(
        taskID: String, _ message: String, _ outbound: NIOAsyncChannelOutboundWriter<WebSocketOutbound>
    ) async throws {
        let event = LiveAudioEvents.failed(taskID: taskID, code: "InvalidParameter", message: message)
        try await outbound.write(.message(.text(ByteBuffer(string: event))))
        try await outbound.write(.close(code: .normalClosure, reason: ""))
    }

    /// A client command, parsed as JSON (key order varies between clients).
    enum Command: Equatable {
        case run(taskID: String)
        case finish(taskID: String)
        case invalid(taskID: String)

        init(_ text: String) {
            let json = JSONValue.parse(Array(text.utf8))
            let taskID = json?["header"]?["task_id"]?.stringValue ?? ""
            let payload = json?["payload"]
            // `payload.input` is mandatory in both commands; run-task also needs a model (A4, A6).
            guard !taskID.isEmpty, payload?["input"]?.objectValue != nil else {
                self = .invalid(taskID: taskID)
                return
            }
            switch json?["header"]?["action"]?.stringValue {
            case "run-task" where !(payload?["model"]?.stringValue ?? "").isEmpty: self = .run(taskID: taskID)
            case "finish-task": self = .finish(taskID: taskID)
            default: self = .invalid(taskID: taskID)
            }
        }
    }
}
