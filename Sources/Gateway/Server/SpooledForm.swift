import MicroHTTPServer

/// A `multipart/form-data` upload whose file part is spooled to disk as it arrives (`SpooledFile`) and whose text
/// fields are kept whole under their cap: for files too large to hold in memory (the OpenAI route's uploads past
/// Fun-ASR-Flash's 10 MB, sent through DashScope's temporary storage instead).
struct SpooledForm: Sendable {
    /// Every part in order; the file part with an empty body (its bytes are in `file`).
    private(set) var parts: [FormPart] = []
    /// The first file part's bytes, once one began.
    private(set) var file: SpooledFile?
    /// The file's first bytes (a WAV header tells the audio's length).
    private(set) var leadingBytes: [UInt8] = []

    private var reader: MultipartStreamReader
    private var current: Destination = .none
    private let fileField: String
    private let fileLimit: Int

    private enum Destination { case none, field, file, dropped }

    /// A form with `boundary`; the file is capped at `fileLimit` bytes, other fields at `fieldLimit`.
    init(boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int) {
        self.fileField = fileField
        self.fileLimit = fileLimit
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
                } else if file == nil {
                    guard let spool = SpooledFile() else { throw Self.diskError }
                    file = spool
                    current = .file
                } else {
                    current = .dropped  // a second file: refused once the form is read, not stored
                }
            case .content(let bytes):
                switch current {
                case .field:
                    parts[parts.count - 1].body += bytes
                case .file:
                    guard let file else { break }
                    guard file.size + bytes.count <= fileLimit else { throw MultipartFormError.partTooLarge(name: fileField, limit: fileLimit) }
                    if leadingBytes.count < UploadedAudio.leadingLimit {
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

    /// Reads a whole form from `body`. Throws `MultipartFormError`, `GatewayError` or the body's own error (413 past
    /// the route's cap).
    static func read(
        _ body: RequestBodyStream, boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int
    ) async throws -> SpooledForm {
        var form = SpooledForm(boundary: boundary, fileField: fileField, fileLimit: fileLimit, fieldLimit: fieldLimit)
        do {
            for try await piece in body { try form.feed(piece) }
            try form.reader.finish()
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
