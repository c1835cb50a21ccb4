import MicroHTTPServer

/// A `multipart/form-data` upload whose file parts are spooled to disk as they arrive (`SpooledFile`) and whose
/// text fields are kept whole under their cap: files too large to hold in memory (uploads to DashScope's temporary
/// storage: the local API's file submissions, the OpenAI route's files past Fun-ASR-Flash's 10 MB).
struct SpooledForm: Sendable {
    /// The file parts spooled to disk, each capped, at most `maxFiles` of them.
    struct Spool: FormFileSink {
        /// The file parts' bytes, in order.
        private(set) var files: [SpooledFile] = []
        /// The first file's first bytes.
        private(set) var leadingBytes: [UInt8] = []
        let fileField: String
        let fileLimit: Int
        let maxFiles: Int

        /// A new spool file, or false past `maxFiles`; throws when the disk refuses one.
        mutating func begin() throws -> Bool {
            guard files.count < maxFiles else { return false }
            guard let spool = SpooledFile() else { throw SpooledForm.diskError }
            files.append(spool)
            return true
        }

        /// Appends to the last spool file; throws past `fileLimit` or when the disk refuses the bytes.
        mutating func append(_ bytes: ArraySlice<UInt8>) throws {
            guard let file = files.last else { return }
            guard file.size + bytes.count <= fileLimit else { throw MultipartFormError.partTooLarge(name: fileField, limit: fileLimit) }
            if files.count == 1, leadingBytes.count < UploadedAudio.leadingLimit {
                leadingBytes += bytes.prefix(UploadedAudio.leadingLimit - leadingBytes.count)
            }
            guard file.append(bytes) else { throw SpooledForm.diskError }
        }

        /// Nothing to do: a spool file is complete as it stands.
        func end() {}
    }

    private var form: FormSplitter<Spool>

    /// Every part in order; file parts with an empty body (their bytes are in `files`).
    var parts: [FormPart] { form.parts }
    /// The file parts' bytes, in order (at most `maxFiles`; further file parts are listed in `parts` but not kept).
    var files: [SpooledFile] { form.sink.files }
    /// The first file's first bytes (a WAV header tells the audio's length).
    var leadingBytes: [UInt8] { form.sink.leadingBytes }
    /// The first file part's bytes, once one began.
    var file: SpooledFile? { files.first }

    /// A form with `boundary`; each of at most `maxFiles` files is capped at `fileLimit` bytes, other fields at
    /// `fieldLimit`.
    init(boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int, maxFiles: Int = 1) {
        let spool = Spool(fileField: fileField, fileLimit: fileLimit, maxFiles: maxFiles)
        form = FormSplitter(boundary: boundary, fileField: fileField, fieldLimit: fieldLimit, sink: spool)
    }

    /// Reads the next piece of the form; throws `MultipartFormError`, or a `GatewayError` for the disk or the cap.
    mutating func feed(_ piece: [UInt8]) throws {
        try form.feed(piece)
    }

    /// The form ended: throws unless it was complete.
    func finish() throws {
        try form.finish()
    }

    /// Reads a whole form from `body`. Throws `MultipartFormError`, `GatewayError` or the body's own error (413 past
    /// the route's cap).
    static func read(
        _ body: RequestBodyStream, boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int, maxFiles: Int = 1
    ) async throws -> SpooledForm {
        var form = SpooledForm(
            boundary: boundary, fileField: fileField, fileLimit: fileLimit, fieldLimit: fieldLimit, maxFiles: maxFiles)
        try await form.form.read(body)
        return form
    }

    /// The gateway could not store the upload on its own disk.
    static let diskError = GatewayError(
        status: 507, code: "insufficient_storage",
        message: "the gateway could not spool the upload to its temporary directory (full or not writable)")
}
