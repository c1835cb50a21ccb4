import MicroHTTPServer

/// A `multipart/form-data` upload whose file parts are spooled to disk as they arrive (`SpooledFile`) and whose
/// text fields are kept whole under their cap: files too large to hold in memory (uploads to DashScope's temporary
/// storage: the local API's file submissions, the OpenAI route's files past Fun-ASR-Flash's 10 MB).
struct SpooledForm: Sendable {
    /// Every part in order; file parts with an empty body (their bytes are in `files`).
    private(set) var parts: [FormPart] = []
    /// The file parts' bytes, in order (at most `maxFiles`; further file parts are listed in `parts` but not kept).
    private(set) var files: [SpooledFile] = []
    /// The first file's first bytes (a WAV header tells the audio's length).
    private(set) var leadingBytes: [UInt8] = []

    /// The first file part's bytes, once one began.
    var file: SpooledFile? { files.first }

    private var reader: MultipartStreamReader
    private var current: Destination = .none
    private let fileField: String
    private let fileLimit: Int
    private let maxFiles: Int

    private enum Destination { case none, field, file(SpooledFile), dropped }

    /// A form with `boundary`; each of at most `maxFiles` files is capped at `fileLimit` bytes, other fields at
    /// `fieldLimit`.
    init(boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int, maxFiles: Int = 1) {
        self.fileField = fileField
        self.fileLimit = fileLimit
        self.maxFiles = maxFiles
        self.reader = MultipartStreamReader(boundary: boundary) { $0 == fileField ? .max : fieldLimit }
    }

    /// Reads the next piece of the form; throws `MultipartFormError`, or a `GatewayError` for the disk or the cap.
    mutating func feed(_ piece: [UInt8]) throws {
        for event in try reader.feed(piece) {
            switch event {
            case .partStart(let part):
                parts.append(part)
                if part.name != fileField {
                    current = .field
                } else if files.count < maxFiles {
                    guard let spool = SpooledFile() else { throw Self.diskError }
                    files.append(spool)
                    current = .file(spool)
                } else {
                    current = .dropped  // one file too many: refused once the form is read, not stored
                }
            case .content(let bytes):
                switch current {
                case .field:
                    parts[parts.count - 1].body += bytes
                case .file(let file):
                    guard file.size + bytes.count <= fileLimit else { throw MultipartFormError.partTooLarge(name: fileField, limit: fileLimit) }
                    if files.count == 1, leadingBytes.count < UploadedAudio.leadingLimit {
                        leadingBytes += bytes.prefix(UploadedAudio.leadingLimit - leadingBytes.count)
                    }
                    guard file.append(bytes) else { throw Self.diskError }
                case .none, .dropped:
                    break
                }
            case .partEnd:
                current = .none
            }
        }
    }

    /// The form ended: throws unless it was complete.
    func finish() throws {
        try reader.finish()
    }

    /// Reads a whole form from `body`. Throws `MultipartFormError`, `GatewayError` or the body's own error (413 past
    /// the route's cap).
    static func read(
        _ body: RequestBodyStream, boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int, maxFiles: Int = 1
    ) async throws -> SpooledForm {
        var form = SpooledForm(
            boundary: boundary, fileField: fileField, fileLimit: fileLimit, fieldLimit: fieldLimit, maxFiles: maxFiles)
        do {
            for try await piece in body { try form.feed(piece) }
            try form.finish()
        } catch {
            throw UploadedAudio.bodyError(error)
        }
        return form
    }

    /// The gateway could not store the upload on its own disk.
    static let diskError = GatewayError(
        status: 507, code: "insufficient_storage",
        message: "the gateway could not spool the upload to its temporary directory (full or not writable)")
}
