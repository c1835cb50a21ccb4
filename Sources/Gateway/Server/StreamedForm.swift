import DashScope
import MicroHTTPServer

/// A `multipart/form-data` upload read as it arrives: its text fields kept whole (each under its cap), its audio
/// file part encoded as it streams (`UploadedAudio`), never the whole form in memory.
struct StreamedForm: Sendable {
    /// Every part in order; the file part with an empty body (its bytes are in `file`).
    private(set) var parts: [FormPart] = []
    /// The first file part's audio, once one began.
    private(set) var file: UploadedAudio?

    /// The field whose content is the audio.
    let fileField: String
    /// The cap of every other field.
    let fieldLimit: Int
    private var reader: MultipartStreamReader
    private var current: Destination = .none
    private let fileLimit: Int
    private let expectedFileBytes: Int?

    private enum Destination { case none, field, file, dropped }

    /// A form with `boundary`; the file part is capped at `fileLimit` (413 `audio_too_large`), others at `fieldLimit`.
    init(boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int, expectedBytes: Int?) {
        self.fileField = fileField
        self.fieldLimit = fieldLimit
        self.fileLimit = fileLimit
        self.expectedFileBytes = expectedBytes
        // The reader checks text fields; the file's cap is checked while encoding, where its error names the audio.
        self.reader = MultipartStreamReader(boundary: boundary) { $0 == fileField ? .max : fieldLimit }
    }

    /// Reads the next piece of the form.
    mutating func feed(_ piece: [UInt8]) throws {
        for event in try reader.feed(piece) {
            switch event {
            case .partStart(let part):
                parts.append(part)
                if part.name != fileField {
                    current = .field
                } else if file == nil {
                    file = UploadedAudio(expectedBytes: expectedFileBytes, limit: fileLimit)
                    current = .file
                } else {
                    current = .dropped  // a second file: refused once the form is read, not stored
                }
            case .content(let bytes):
                switch current {
                case .field: parts[parts.count - 1].body += bytes
                case .file: try file?.append(bytes)
                case .none, .dropped: break
                }
            case .partEnd:
                if case .file = current { file?.audio.finish() }
                current = .none
            }
        }
    }

    /// The form ended: throws unless it was complete.
    func finish() throws {
        try reader.finish()
    }

    /// Reads a whole form from `body`. Throws `MultipartFormError`, `GatewayError` (413 for the audio) or the body's
    /// own error (413 past the route's cap).
    static func read(
        _ body: RequestBodyStream, boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int
    ) async throws -> StreamedForm {
        var form = StreamedForm(
            boundary: boundary, fileField: fileField, fileLimit: fileLimit, fieldLimit: fieldLimit,
            expectedBytes: body.declaredLength)
        do {
            for try await piece in body { try form.feed(piece) }
            try form.finish()
        } catch {
            throw UploadedAudio.bodyError(error)
        }
        return form
    }
}
