import FoundationEssentials

/// DashScope async task states (§3.3).
enum SimulatedTaskStatus: String, Sendable, CaseIterable {
    case pending = "PENDING", running = "RUNNING", succeeded = "SUCCEEDED"
    case failed = "FAILED", canceled = "CANCELED", unknown = "UNKNOWN"
}

/// How one file of a task ends once the task has run.
enum SubtaskOutcome: Sendable, Equatable {
    case succeeded
    case failed(code: String, message: String)

    /// The outcome the double decides for a file URL: `fail` in the path or a `.invalid` host cannot be downloaded.
    static func forFile(_ url: String, parametersMissing: Bool) -> SubtaskOutcome {
        if parametersMissing {
            return .failed(code: "InvalidParameter", message: "Required parameter \"parameters\" missing from request.")
        }
        let components = URLComponents(string: url)
        let host = components?.host?.lowercased() ?? ""
        let path = components?.path.lowercased() ?? url.lowercased()
        if path.contains("fail") || host.hasSuffix(".invalid") || host == "invalid" {
            return .failed(code: "InvalidFile.DownloadFailed", message: "The audio file cannot be downloaded.")
        }
        return .succeeded
    }
}

/// What the submit request asked for, as far as the synthetic results care.
struct TranscriptionOptions: Sendable, Equatable {
    var channelIDs: [Int] = [0]
    var diarization = false
    var speakerCount: Int?
}

/// One submitted task; its status is derived from the clock, never stored.
struct SimulatedTask: Sendable, Equatable {
    var id: String
    var requestID: String
    var model: String
    var apiKeyID: String
    var fileURLs: [String]
    var outcomes: [SubtaskOutcome]
    var options: TranscriptionOptions
    var submittedAt: Date
    var canceledAt: Date?
}

/// A task as seen at one instant.
struct TaskSnapshot: Sendable, Equatable {
    var task: SimulatedTask
    var status: SimulatedTaskStatus
    var scheduledAt: Date?
    var endedAt: Date?

    /// True once the task reached SUCCEEDED or FAILED (results exist).
    var hasRun: Bool { status == .succeeded || status == .failed }
}

/// The task state machine: submit, observe at an instant, cancel, expire. Pure; time is passed in.
struct TaskStore: Sendable {
    var pendingSeconds: Double
    var runningSeconds: Double
    var retentionSeconds: Double
    private var tasks: [String: SimulatedTask] = [:]
    private var order: [String] = []

    init(pendingSeconds: Double, runningSeconds: Double, retentionSeconds: Double) {
        self.pendingSeconds = pendingSeconds
        self.runningSeconds = runningSeconds
        self.retentionSeconds = retentionSeconds
    }

    /// Stores a new task.
    mutating func add(_ task: SimulatedTask) {
        tasks[task.id] = task
        order.append(task.id)
    }

    /// The task at `now`; nil when unknown, or when it ended (or was submitted) longer than the retention ago.
    func snapshot(_ id: String, at now: Date) -> TaskSnapshot? {
        guard let task = tasks[id] else { return nil }
        let current = Self.snapshot(of: task, at: now, pending: pendingSeconds, running: runningSeconds)
        let reference = current.endedAt ?? task.submittedAt
        return now.timeIntervalSince(reference) < retentionSeconds ? current : nil
    }

    /// Every live task at `now`, newest first.
    func all(at now: Date) -> [TaskSnapshot] {
        order.reversed().compactMap { snapshot($0, at: now) }
    }

    /// Cancels a task that is PENDING at `now`; false otherwise.
    mutating func cancel(_ id: String, at now: Date) -> Bool {
        guard let current = snapshot(id, at: now), current.status == .pending else { return false }
        tasks[id]?.canceledAt = now
        return true
    }

    /// Forgets one task at once, as DashScope does past its retention; false when it was unknown.
    mutating func forget(_ id: String) -> Bool {
        guard tasks.removeValue(forKey: id) != nil else { return false }
        order.removeAll { $0 == id }
        return true
    }

    /// Forgets tasks past the retention.
    mutating func purge(at now: Date) {
        let expired = Set(order.filter { snapshot($0, at: now) == nil })
        guard !expired.isEmpty else { return }
        order.removeAll { expired.contains($0) }
        for id in expired { tasks[id] = nil }
    }

    /// The lifecycle rule: PENDING, then RUNNING, then SUCCEEDED if any file succeeded, else FAILED.
    static func snapshot(of task: SimulatedTask, at now: Date, pending: Double, running: Double) -> TaskSnapshot {
        let scheduled = task.submittedAt.addingTimeInterval(pending)
        let finished = scheduled.addingTimeInterval(running)
        if let canceledAt = task.canceledAt {
            return TaskSnapshot(task: task, status: .canceled, scheduledAt: nil, endedAt: canceledAt)
        }
        if now < scheduled, pending > 0 {
            return TaskSnapshot(task: task, status: .pending, scheduledAt: nil, endedAt: nil)
        }
        if now < finished, running > 0 {
            return TaskSnapshot(task: task, status: .running, scheduledAt: scheduled, endedAt: nil)
        }
        let anySucceeded = task.outcomes.contains(.succeeded)
        return TaskSnapshot(
            task: task, status: anySucceeded ? .succeeded : .failed, scheduledAt: scheduled, endedAt: finished)
    }
}
