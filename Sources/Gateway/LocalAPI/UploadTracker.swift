import JSON
import Synchronization

/// Uploads answered early (`Prefer: respond-async` on a file submit): each has a gateway upload id whose view shows
/// every file's bytes sent to DashScope's temporary storage, then the task it became, or why it failed. Kept in
/// memory (the spooled files do not survive a restart either): finished ones for `retention`, at most `capacity`.
final class UploadTracker: Sendable {
    /// Where an upload stands.
    enum State: Sendable {
        case uploading
        case submitted(taskID: String)
        case failed(GatewayError)
    }

    /// One file's progress.
    struct FileProgress: Sendable {
        var name: String
        var bytesTotal: Int
        var bytesSent = 0
    }

    /// One tracked upload.
    struct Record: Sendable {
        var files: [FileProgress]
        var label: String?
        var state = State.uploading
        var finishedAt: ContinuousClock.Instant?
    }

    /// Upload ids start with this, so they never look like DashScope task ids.
    static let idPrefix = "upload-"
    /// How long a finished upload's view stays.
    let retention: Duration
    /// Most uploads tracked at once; the oldest finished ones go first.
    let capacity: Int
    private let records = Mutex<[String: Record]>([:])

    init(retention: Duration = .seconds(24 * 3600), capacity: Int = 10_000) {
        self.retention = retention
        self.capacity = capacity
    }

    /// True for an id of this tracker's form.
    static func isUploadID(_ id: String) -> Bool { id.hasPrefix(idPrefix) }

    /// Tracks a new upload of `files` (name and size) and returns its id.
    func start(files: [(name: String, bytes: Int)], label: String?) -> String {
        var random = SystemRandomNumberGenerator()
        let id = Self.idPrefix + (0..<2).map { _ in
            let hex = String(random.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
        let now = ContinuousClock.now
        records.withLock { records in
            records = records.filter { $0.value.finishedAt.map { now - $0 < retention } ?? true }
            if records.count >= capacity {
                let finished = records.filter { $0.value.finishedAt != nil }.sorted { $0.value.finishedAt! < $1.value.finishedAt! }
                for (old, _) in finished.prefix(records.count - capacity + 1) { records[old] = nil }
            }
            records[id] = Record(files: files.map { FileProgress(name: $0.name, bytesTotal: $0.bytes) }, label: label)
        }
        return id
    }

    /// File `index` of upload `id` has had `sent` bytes handed to the storage upload.
    func progress(_ id: String, file index: Int, sent: Int) {
        records.withLock { records in
            guard let count = records[id]?.files.count, index < count else { return }
            records[id]?.files[index].bytesSent = sent
        }
    }

    /// The upload ended: submitted as a task, or failed.
    func finish(_ id: String, _ state: State) {
        records.withLock { records in
            records[id]?.state = state
            records[id]?.finishedAt = .now
        }
    }

    /// Whether the upload is still going (false when it ended or is unknown).
    func isUploading(_ id: String) -> Bool {
        records.withLock { records in
            guard case .uploading = records[id]?.state else { return false }
            return true
        }
    }

    /// The upload's view, or nil when the id is unknown (never tracked, expired, or before a restart).
    func view(_ id: String) -> JSONValue? {
        guard let record = records.withLock({ $0[id] }) else { return nil }
        var object: [String: JSONValue] = [
            "upload_id": .string(id),
            "upload": .object(["files": .array(record.files.map { file in
                .object([
                    "name": .string(file.name), "bytes_total": .number(Double(file.bytesTotal)),
                    "bytes_sent": .number(Double(file.bytesSent)),
                ])
            })]),
        ]
        object["label"] = record.label.map(JSONValue.string)
        switch record.state {
        case .uploading:
            object["status"] = .string("UPLOADING")
        case .submitted(let taskID):
            object["status"] = .string("SUBMITTED")
            object["task_id"] = .string(taskID)
            object["task_url"] = .string("/v1/transcriptions/\(taskID)")
        case .failed(let error):
            object["status"] = .string("FAILED")
            var failure: [String: JSONValue] = ["code": .string(error.code), "message": .string(error.message)]
            failure["param"] = error.param.map(JSONValue.string)
            object["error"] = .object(failure)
        }
        return .object(object)
    }
}
