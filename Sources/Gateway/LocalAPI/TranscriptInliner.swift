import DashScope
import JSON

/// Inlines each succeeded file's result document into a task view (`?include=transcripts`), bounded: at most
/// `concurrency` documents downloaded or held at a time, none read past `budget` bytes (a larger one could never be
/// inlined), and at most `budget` bytes of documents per response: at most (concurrency + 1) × budget in memory.
/// Documents are accepted in file order; one that does not fit gets a `transcript_error` (`transcript_too_large`)
/// pointing at `/transcript?file=K`.
struct TranscriptInliner: Sendable {
    /// Most documents downloading (or downloaded and not yet accepted) at once.
    static let defaultConcurrency = 4
    /// Most bytes of result documents inlined in one response.
    static let defaultBudget = 32 << 20

    let client: DashScopeClient
    var concurrency = TranscriptInliner.defaultConcurrency
    var budget = TranscriptInliner.defaultBudget

    /// `view` with `transcript` or `transcript_error` added to each succeeded file; `keep` sees each document
    /// downloaded whole (file index, bytes), in file order, so the job store can keep it without a second download.
    func inline(
        into view: JSONValue, task: TaskQueryResponse, taskID: String, _ context: RouteContext,
        keep: (Int, [UInt8]) async -> Void = { _, _ in }
    ) async -> JSONValue {
        guard view.objectValue?["files"]?.arrayValue != nil else { return view }
        let jobs: [(file: Int, url: String)] = (task.output.results ?? []).enumerated().compactMap { index, result in
            guard result.subtaskStatus == .succeeded, let url = result.transcriptionURL else { return nil }
            return (index, url)
        }
        var additions: [Int: JSONValue] = [:]
        var remaining = budget
        await withTaskGroup(of: (Int, Result<[UInt8], GatewayError>).self) { group in
            var started = 0
            var running = 0
            var accepted = 0
            var finished: [Int: Result<[UInt8], GatewayError>] = [:]
            while true {
                // Downloaded documents wait here until every earlier one is accepted, so they count as running.
                while started < jobs.count, running + finished.count < max(1, concurrency) {
                    let (position, url) = (started, jobs[started].url)
                    group.addTask {
                        do {
                            return (position, .success(try await client.resultDocument(url, context.upstream, maxBytes: budget)))
                        } catch {
                            return (position, .failure(GatewayError.from(error)))
                        }
                    }
                    started += 1
                    running += 1
                }
                guard let (position, outcome) = await group.next() else { break }
                running -= 1
                finished[position] = outcome
                while let next = finished.removeValue(forKey: accepted) {
                    let file = jobs[accepted].file
                    if case .success(let bytes) = next { await keep(file, bytes) }
                    additions[file] = accept(next, file: file, taskID: taskID, remaining: &remaining)
                    accepted += 1
                }
            }
        }
        return Self.merged(additions, into: view)
    }

    /// `view` with the documents the job store kept (`kept(file)`), under the same budget; nothing is downloaded.
    func inline(
        into view: JSONValue, task: TaskQueryResponse, taskID: String, kept: (Int) async -> [UInt8]?
    ) async -> JSONValue {
        var additions: [Int: JSONValue] = [:]
        var remaining = budget
        for (index, result) in (task.output.results ?? []).enumerated()
        where result.subtaskStatus == .succeeded && result.transcriptionURL != nil {
            var outcome: Result<[UInt8], GatewayError> = .failure(
                GatewayError(status: 503, code: "store_unavailable", message: "the kept result document could not be read"))
            if let bytes = await kept(index) { outcome = .success(bytes) }
            additions[index] = accept(outcome, file: index, taskID: taskID, remaining: &remaining)
        }
        return Self.merged(additions, into: view)
    }

    /// `view` with each file's addition merged into its entry of `files`.
    private static func merged(_ additions: [Int: JSONValue], into view: JSONValue) -> JSONValue {
        guard var object = view.objectValue, var files = object["files"]?.arrayValue else { return view }
        for (index, addition) in additions where index < files.count {
            guard var file = files[index].objectValue, let extra = addition.objectValue else { continue }
            file.merge(extra) { _, new in new }
            files[index] = .object(file)
        }
        object["files"] = .array(files)
        return .object(object)
    }

    /// The addition for one file: its document if it fits in what is left of the budget, else why not.
    private func accept(
        _ outcome: Result<[UInt8], GatewayError>, file: Int, taskID: String, remaining: inout Int
    ) -> JSONValue {
        switch outcome {
        case .success(let bytes) where bytes.count <= remaining:
            remaining -= bytes.count
            return .object(["transcript": JSONValue.parse(bytes) ?? .null])
        case .success(let bytes):
            return tooLarge(file: file, size: "\(bytes.count) bytes", taskID: taskID)
        case .failure(let failure) where failure.code == DashScopeError.resultTooLarge(limit: budget).code:
            return tooLarge(file: file, size: "over \(budget) bytes", taskID: taskID)
        case .failure(let failure):
            return Self.error(code: failure.code, message: failure.message)
        }
    }

    private func tooLarge(file: Int, size: String, taskID: String) -> JSONValue {
        Self.error(
            code: "transcript_too_large",
            message: "file \(file)'s result document (\(size)) does not fit in this response's \(budget)-byte "
                + "budget for inline transcripts; fetch it with GET /v1/transcriptions/\(taskID)/transcript?file=\(file)")
    }

    private static func error(code: String, message: String) -> JSONValue {
        .object(["transcript_error": .object(["code": .string(code), "message": .string(message)])])
    }
}
