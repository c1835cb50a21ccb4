import DashScope
import MicroHTTPServer

/// A `multipart/form-data` upload read as it arrives: its text fields kept whole (each under its cap), its audio
/// file part encoded as it streams (`UploadedAudio`), never the whole form in memory.
struct StreamedForm: Sendable {
    /// The first file part, encoded as audio as it arrives; a second file part is dropped.
    struct Encoder: FormFileSink {
        /// The first file part's audio, once one began.
        private(set) var file: UploadedAudio?
        let expectedBytes: Int?
        let fileLimit: Int

        /// Begins the audio, or false when one already began.
        mutating func begin() throws -> Bool {
            guard file == nil else { return false }
            file = UploadedAudio(expectedBytes: expectedBytes, limit: fileLimit)
            return true
        }

        /// Encodes the next bytes; throws 413 `audio_too_large` past `fileLimit`.
        mutating func append(_ bytes: ArraySlice<UInt8>) throws {
            try file?.append(bytes)
        }

        /// Ends the audio.
        mutating func end() {
            file?.audio.finish()
        }
    }

    private var form: FormSplitter<Encoder>

    /// Every part in order; the file part with an empty body (its bytes are in `file`).
    var parts: [FormPart] { form.parts }
    /// The first file part's audio, once one began.
    var file: UploadedAudio? { form.sink.file }

    /// A form with `boundary`; the file part is capped at `fileLimit` (413 `audio_too_large`), others at `fieldLimit`.
    init(boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int, expectedBytes: Int?) {
        let encoder = Encoder(expectedBytes: expectedBytes, fileLimit: fileLimit)
        form = FormSplitter(boundary: boundary, fileField: fileField, fieldLimit: fieldLimit, sink: encoder)
    }

    /// Reads a whole form from `body`. Throws `MultipartFormError`, `GatewayError` (413 for the audio) or the body's
    /// own error (413 past the route's cap).
    static func read(
        _ body: RequestBodyStream, boundary: String, fileField: String, fileLimit: Int, fieldLimit: Int
    ) async throws -> StreamedForm {
        var form = StreamedForm(
            boundary: boundary, fileField: fileField, fileLimit: fileLimit, fieldLimit: fieldLimit,
            expectedBytes: body.declaredLength)
        try await form.form.read(body)
        return form
    }
}
