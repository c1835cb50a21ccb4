import FoundationEssentials

/// One object stored by a temporary upload: what the double keeps of it (never the bytes, so large uploads do
/// not stay in memory).
struct UploadedObject: Sendable, Equatable {
    /// The object key (`upload_dir/name`).
    var key: String
    /// Its size in bytes.
    var size: Int
    /// The Content-Type the file part declared.
    var contentType: String?
    /// An FNV-1a fingerprint of its bytes (tests compare it with the file they sent).
    var fingerprint: UInt64
    /// When it was stored.
    var storedAt: Date
}

/// The temporary storage behind `oss://` URLs: objects by key, forgotten after 48 hours (§5).
struct UploadedObjects: Sendable {
    /// How long an object stays resolvable.
    static let lifetimeSeconds: Double = 48 * 3600
    private var objects: [String: UploadedObject] = [:]

    /// The object under `key` at `now`, unless it expired.
    func object(_ key: String, at now: Date) -> UploadedObject? {
        guard let object = objects[key], now.timeIntervalSince(object.storedAt) < Self.lifetimeSeconds else { return nil }
        return object
    }

    /// Stores an object; with `forbidOverwrite` only when no live object has its key (returns false then).
    mutating func insert(_ object: UploadedObject, forbidOverwrite: Bool) -> Bool {
        if forbidOverwrite, self.object(object.key, at: object.storedAt) != nil { return false }
        objects[object.key] = object
        return true
    }

    /// Every object, by key.
    var all: [UploadedObject] { objects.values.sorted { $0.key < $1.key } }

    /// The object an `oss://` URL names for a call of `apiKey` with `model`, at `now`: nil when it does not exist,
    /// expired, or was uploaded under another account's or model's policy (DashScope binds a temporary URL to both).
    func resolve(_ url: String, apiKey: String, model: String, at now: Date) -> UploadedObject? {
        guard url.lowercased().hasPrefix("oss://") else { return nil }
        let key = String(url.dropFirst("oss://".count))
        guard key.hasPrefix(UploadEndpoints.accountDirectory(model: model, apiKey: apiKey) + "/") else { return nil }
        return object(key, at: now)
    }
}
