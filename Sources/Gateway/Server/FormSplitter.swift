import MicroHTTPServer

/// Where a form's file parts go as they arrive: spooled to disk (`SpooledForm`) or encoded as audio (`StreamedForm`).
protocol FormFileSink: Sendable {
    /// A file part begins; false when it is one too many (its bytes are dropped, and the route refuses it once the
    /// form is read).
    mutating func begin() throws -> Bool
    /// The next bytes of the file part that began last; throws past the sink's cap or when it cannot store them.
    mutating func append(_ bytes: ArraySlice<UInt8>) throws
    /// The file part that began last ended.
    mutating func end()
}

/// A `multipart/form-data` upload read as it arrives: its text fields kept whole, each under its cap, and the file
/// field's parts handed to a sink; never the whole form in memory.
struct FormSplitter<Sink: FormFileSink>: Sendable {
    /// Every part in order; file parts with an empty body (their bytes went to `sink`).
    private(set) var parts: [FormPart] = []
    /// What received the file parts.
    private(set) var sink: Sink
    private let fileField: String
    private var reader: MultipartStreamReader
    private var current: Destination = .none

    private enum Destination { case none, field, file, dropped }

    /// A form with `boundary` whose `fileField` parts go to `sink` and whose other fields are capped at `fieldLimit`.
    init(boundary: String, fileField: String, fieldLimit: Int, sink: Sink) {
        self.fileField = fileField
        self.sink = sink
        // The reader caps text fields; the sink caps files, with an error that names them.
        self.reader = MultipartStreamReader(boundary: boundary) { $0 == fileField ? .max : fieldLimit }
    }

    /// Reads the next piece of the form; throws `MultipartFormError` or the sink's error.
    mutating func feed(_ piece: [UInt8]) throws {
        for event in try reader.feed(piece) {
            switch event {
            case .partStart(let part):
                parts.append(part)
                if part.name != fileField {
                    current = .field
                } else {
                    current = try sink.begin() ? .file : .dropped
                }
            case .content(let bytes):
                switch current {
                case .field: parts[parts.count - 1].body += bytes
                case .file: try sink.append(bytes)
                case .none, .dropped: break
                }
            case .partEnd:
                if case .file = current { sink.end() }
                current = .none
            }
        }
    }

    /// The form ended: throws unless it was complete.
    func finish() throws {
        try reader.finish()
    }

    /// Reads the rest of the form from `body` and checks that it was complete. Throws `MultipartFormError`, the
    /// sink's error, or the body's own error as a `GatewayError` (413 past the route's cap).
    mutating func read(_ body: RequestBodyStream) async throws {
        do {
            for try await piece in body { try feed(piece) }
            try finish()
        } catch {
            throw UploadedAudio.bodyError(error)
        }
    }
}
