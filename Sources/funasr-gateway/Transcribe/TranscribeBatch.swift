import FoundationEssentials
import Glibc
import JSON

/// One `transcribe` run: uploads and submits the files one after another (the bar follows one upload at a time),
/// then waits for all jobs side by side and writes each transcript as it is ready.
struct TranscribeBatch: Sendable {
    let api: GatewayAPI
    let reporter: ProgressReporter
    let format: TranscriptOutputFormat
    let outputDirectory: String?
    let timeout: Duration

    /// A submitted file.
    private struct Job: Sendable {
        let index: Int
        let file: AudioFileName
        /// The transcript's file name without extension, unique within the batch.
        let stem: String
        let taskID: String
    }

    /// Runs the batch; returns how many files failed.
    func run(files: [String], options: TranscribeOptions) async -> Int {
        let deadline = ContinuousClock.now + timeout
        var failures = 0
        if let outputDirectory {
            do {
                try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
            } catch {
                reporter.line("error: cannot create the output directory \(outputDirectory)")
                return files.count
            }
        }
        let named = files.map(AudioFileName.init(path:))
        let stems = AudioFileName.uniqueStems(named)
        var jobs: [Job] = []
        for (index, file) in named.enumerated() {
            do {
                let id = try await submit(file, options: options)
                jobs.append(Job(index: index, file: file, stem: stems[index], taskID: id))
            } catch {
                failures += 1
                reporter.line("✗ \(file.path): \(Self.message(error))")
            }
        }
        var transcripts: [(Int, String, [UInt8])] = []
        let total = jobs.count
        await withTaskGroup(of: (Job, Result<[UInt8], TranscribeFailure>).self) { group in
            for job in jobs {
                group.addTask { (job, await self.finish(job, deadline: deadline)) }
            }
            reporter.waiting(finished: 0, of: total)
            var finished = 0
            for await (job, result) in group {
                finished += 1
                switch result {
                case .success(let bytes):
                    if let outputDirectory {
                        let path = job.file.transcriptPath(in: outputDirectory, format: format, stem: job.stem)
                        if FileManager.default.createFile(atPath: path, contents: Data(bytes)) {
                            reporter.line("✓ \(job.file.path) → \(path)")
                        } else {
                            failures += 1
                            reporter.line("✗ \(job.file.path): cannot write \(path)")
                        }
                    } else {
                        transcripts.append((job.index, job.file.path, bytes))
                        reporter.line("✓ \(job.file.path)")
                    }
                case .failure(let failure):
                    failures += 1
                    reporter.line("✗ \(job.file.path) (task \(job.taskID)): \(failure.message)")
                }
                if finished < total { reporter.waiting(finished: finished, of: total) }
            }
        }
        reporter.finish()
        printInOrder(transcripts, headed: files.count > 1)
        return failures
    }

    /// Checks, uploads and submits one file.
    private func submit(_ file: AudioFileName, options: TranscribeOptions) async throws -> String {
        var info = stat()
        guard stat(file.path, &info) == 0 else { throw TranscribeFailure(message: "cannot read the file") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw TranscribeFailure(message: "is not a regular file") }
        let size = Int(info.st_size)
        guard size > 0 else { throw TranscribeFailure(message: "the file is empty") }
        let reporter = self.reporter
        let name = file.baseName
        let body = AudioFileBody(path: file.path) { sent in reporter.uploading(name, sent: sent, total: size) }
        let id = try await api.submit(file, size: size, body: body, options: options)
        reporter.line("↑ \(file.path) (\(ByteCount.text(size))) → task \(id)")
        return id
    }

    /// Waits for one job to end and fetches its transcript.
    private func finish(_ job: Job, deadline: ContinuousClock.Instant) async -> Result<[UInt8], TranscribeFailure> {
        do {
            while true {
                let view = try await api.task(job.taskID, wait: 30)
                let status = view["status"]?.stringValue ?? "UNKNOWN"
                switch status {
                case "SUCCEEDED":
                    if let file = view["files"]?.arrayValue?.first, file["status"]?.stringValue == "FAILED" {
                        return .failure(TranscribeFailure(message: Self.fileError(file)))
                    }
                    return .success(try await api.transcript(job.taskID, format: format))
                case "FAILED", "CANCELED", "UNKNOWN":
                    let file = view["files"]?.arrayValue?.first
                    return .failure(TranscribeFailure(message: file.map(Self.fileError) ?? "the job ended \(status)"))
                default:
                    guard ContinuousClock.now < deadline else {
                        return .failure(TranscribeFailure(message: "still \(status) after the --timeout; the job goes on, ask GET /v1/transcriptions/\(job.taskID) later"))
                    }
                }
            }
        } catch {
            return .failure(TranscribeFailure(message: Self.message(error)))
        }
    }

    private static func fileError(_ file: JSONValue) -> String {
        let code = file["code"]?.stringValue ?? "FAILED"
        let message = file["message"]?.stringValue ?? "DashScope could not transcribe the file"
        return "\(code): \(message)"
    }

    private static func message(_ error: any Error) -> String {
        (error as? TranscribeFailure)?.message ?? "unexpected error"
    }

    /// Transcripts for standard output, in the order the files were named (headed by the file when several).
    private func printInOrder(_ transcripts: [(Int, String, [UInt8])], headed: Bool) {
        for (_, path, bytes) in transcripts.sorted(by: { $0.0 < $1.0 }) {
            if headed { print("==> \(path) <==") }
            var text = String(decoding: bytes, as: UTF8.self)
            if !text.hasSuffix("\n") { text += "\n" }
            print(text, terminator: "")
        }
    }
}
