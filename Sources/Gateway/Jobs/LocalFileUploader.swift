import DashScope

/// Uploads a client's audio files to DashScope's temporary storage for one submission (dashscope-api.md §5): one
/// upload policy for the model the task will use (the `oss://` URLs are bound to it), fetched again when it is
/// close to expiring, each file checked against `max_file_size_mb` before any byte of it is sent.
struct LocalFileUploader: Sendable {
    let client: DashScopeClient
    /// The model the task is submitted with.
    let model: String
    /// The context of the upstream calls (a later caller may set its own and keep the policy already fetched).
    var call: CallContext
    private var policy: UploadPolicy?
    private var fetchedAt = ContinuousClock.now

    /// A policy is fetched again once this much of its lifetime has passed (a long series of uploads outlives one).
    static let refreshFraction = 0.5

    /// Body cap of a request carrying files for the storage (`BodyLimitClass.filesLimit`).
    static let bodyLimit = BodyLimitClass.filesLimit

    init(client: DashScopeClient, model: String, call: CallContext) {
        self.client = client
        self.model = model
        self.call = call
    }

    /// The current policy, fetched when there is none yet or the one held is half-way to its expiry.
    mutating func currentPolicy() async throws -> UploadPolicy {
        if let policy, ContinuousClock.now - fetchedAt < .seconds(Double(policy.expiresInSeconds ?? 300) * Self.refreshFraction) {
            return policy
        }
        let fresh = try await client.uploadPolicy(model: model, call)
        policy = fresh
        fetchedAt = .now
        return fresh
    }

    /// 413 when a file of `size` bytes is larger than the policy allows; nothing has been uploaded yet.
    mutating func checkSize(_ size: Int, fileName: String) async throws {
        let policy = try await currentPolicy()
        guard let maxMB = policy.maxFileSizeMB, size > maxMB * 1024 * 1024 else { return }
        throw GatewayError(
            status: 413, code: DashScopeError.uploadTooLarge(maxMB: maxMB).code,
            message: "file '\(fileName)' is \(size) bytes; DashScope's temporary storage accepts at most \(maxMB) MB "
                + "per file (max_file_size_mb of its upload policy), so it was not uploaded",
            param: "file")
    }

    /// Uploads one file and returns its `oss://` URL.
    mutating func upload<Body: AsyncSequence & Sendable>(
        fileName: String, contentType: String, size: Int?, body: Body
    ) async throws -> String where Body.Element == [UInt8] {
        if let size { try await checkSize(size, fileName: fileName) }
        let policy = try await currentPolicy()
        return try await client.upload(
            policy: policy, fileName: fileName, contentType: contentType, size: size, body: body, call)
    }
}

/// Bytes already in memory as an async sequence of bounded pieces, so an upload copies a piece at a time.
struct ChunkedBytes: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let bytes: [UInt8]
    var chunkSize = 256 * 1024

    struct AsyncIterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        let chunkSize: Int
        var offset = 0

        mutating func next() async -> [UInt8]? {
            guard offset < bytes.count else { return nil }
            let end = Swift.min(bytes.count, offset + chunkSize)
            defer { offset = end }
            return Array(bytes[offset..<end])
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(bytes: bytes, chunkSize: chunkSize)
    }
}
