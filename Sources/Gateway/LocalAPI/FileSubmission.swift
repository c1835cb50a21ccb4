import DashScope
import JSON
import MicroHTTPServer

/// `POST /v1/transcriptions` with the audio itself instead of URLs: a `multipart/form-data` body (one or more
/// `file` parts, the options as fields) or a raw audio body (options in the query string). The options are
/// validated first, every file is checked against the upload policy's size limit, then uploaded to DashScope's
/// temporary storage, and the task is submitted with the `oss://` URLs.
struct FileSubmission: Sendable {
    /// How a request carries its files.
    enum Form: Equatable {
        case multipart
        case rawAudio(contentType: String)
    }

    /// One uploaded file, as the submit answer reports it.
    struct UploadedFile: Sendable {
        var fileName: String
        var bytes: Int
        var fileURL: String

        var json: JSONValue {
            .object(["filename": .string(fileName), "bytes": .number(Double(bytes)), "file_url": .string(fileURL)])
        }
    }

    /// Body cap of a file submission (`LocalFileUploader.bodyLimit`).
    static let bodyLimit = LocalFileUploader.bodyLimit

    /// The largest text field of a form (options are short).
    static let fieldLimit = 64 * 1024

    let client: DashScopeClient

    /// The form of a request body, or nil for JSON (or anything else, left to the JSON path's checks).
    static func form(contentType: String?) -> Form? {
        guard BodyLimitClass.carriesFiles(contentType: contentType) else { return nil }
        if (contentType ?? "").lowercased().hasPrefix("multipart/form-data") { return .multipart }
        return .rawAudio(contentType: contentType ?? "application/octet-stream")
    }

    /// Uploads the request's files and returns the submission with their `oss://` URLs.
    func prepare(_ form: Form, _ context: RouteContext) async throws -> (TranscriptionSubmission, [UploadedFile]) {
        switch form {
        case .multipart:
            return try await spooledMultipart(context)
        case .rawAudio(let contentType):
            let head = context.request.head
            let options = head.query.filter { $0.name != "filename" }
            var submission = try FileSubmissionOptions.submission(options, fileCount: 1)
            let name = head.queryValue("filename") ?? Self.defaultName(contentType: contentType)
            if let stream = context.request.bodyStream {
                return try await streamedRawAudio(stream, name: name, contentType: contentType, submission, context)
            }
            // Not streamed: a body small enough to have arrived whole.
            let body = context.request.body
            guard !body.isEmpty else { throw Self.emptyBody }
            var uploader = LocalFileUploader(client: client, model: submission.model, call: context.upstream)
            let url = try await uploader.upload(
                fileName: name, contentType: contentType, size: body.count, body: ChunkedBytes(bytes: body))
            submission.fileURLs = [url]
            return (submission, [UploadedFile(fileName: name, bytes: body.count, fileURL: url)])
        }
    }

    /// A raw audio body uploaded as it arrives: its declared length is checked against the policy first, then its
    /// pieces go to the storage as the client sends them (the connection is paused while the upload lags).
    private func streamedRawAudio(
        _ stream: RequestBodyStream, name: String, contentType: String, _ submission: TranscriptionSubmission,
        _ context: RouteContext
    ) async throws -> (TranscriptionSubmission, [UploadedFile]) {
        guard let size = stream.declaredLength else {
            throw GatewayError(
                status: 411, code: "length_required",
                message: "send the audio with a Content-Length: DashScope's temporary storage needs the file's size up front")
        }
        guard size > 0 else { throw Self.emptyBody }
        var uploader = LocalFileUploader(client: client, model: submission.model, call: context.upstream)
        let url = try await uploader.upload(fileName: name, contentType: contentType, size: size, body: stream)
        var submission = submission
        submission.fileURLs = [url]
        return (submission, [UploadedFile(fileName: name, bytes: size, fileURL: url)])
    }

    /// A multipart body read as it arrives, each file spooled to disk (`SpooledForm`): the options are validated,
    /// every file is checked against the policy, then each is uploaded from its spool with its exact size. Memory
    /// holds the fields and a piece in flight, never a file.
    private func spooledMultipart(_ context: RouteContext) async throws -> (TranscriptionSubmission, [UploadedFile]) {
        guard let boundary = MultipartForm.boundary(contentType: context.request.head.headers["Content-Type"]) else {
            throw GatewayError.invalidRequest("Content-Type multipart/form-data needs a boundary parameter")
        }
        let maxFiles = TranscriptionSubmission.maxFileCount + 1
        var form = SpooledForm(
            boundary: boundary, fileField: "file", fileLimit: Self.bodyLimit, fieldLimit: Self.fieldLimit, maxFiles: maxFiles)
        do {
            if let stream = context.request.bodyStream {
                form = try await SpooledForm.read(
                    stream, boundary: boundary, fileField: "file", fileLimit: Self.bodyLimit, fieldLimit: Self.fieldLimit,
                    maxFiles: maxFiles)
            } else {
                // No body was streamed (an empty one): the same reader says what is missing.
                try form.feed(context.request.body)
                try form.finish()
            }
        } catch let error as MultipartFormError {
            throw Self.formError(error)
        }
        var files: [(name: String, contentType: String, file: SpooledFile)] = []
        var fields: [(name: String, value: String)] = []
        for part in form.parts {
            if part.name == "file" {
                let name = part.filename ?? "audio-\(files.count + 1)"
                guard files.count < form.files.count else { break }  // past the file count limit: refused below
                let file = form.files[files.count]
                guard file.size > 0 else {
                    throw GatewayError.invalidRequest("file part \(files.count + 1) ('\(name)') is empty", param: "file")
                }
                files.append((name, part.contentType ?? "application/octet-stream", file))
            } else {
                guard let text = String(validating: part.body, as: UTF8.self) else {
                    throw GatewayError.invalidRequest("form field '\(part.name)' is not UTF-8 text", param: part.name)
                }
                fields.append((part.name, text))
            }
        }
        let fileParts = form.parts.count { $0.name == "file" }
        var submission = try FileSubmissionOptions.submission(fields, fileCount: fileParts)
        var uploader = LocalFileUploader(client: client, model: submission.model, call: context.upstream)
        for file in files {
            try await uploader.checkSize(file.file.size, fileName: file.name)
        }
        var uploaded: [UploadedFile] = []
        for file in files {
            let url = try await uploader.upload(
                fileName: file.name, contentType: file.contentType, size: file.file.size, body: file.file.pieces())
            uploaded.append(UploadedFile(fileName: file.name, bytes: file.file.size, fileURL: url))
        }
        submission.fileURLs = uploaded.map(\.fileURL)
        return (submission, uploaded)
    }

    static let emptyBody = GatewayError.invalidRequest("the request body (the audio) is empty", param: "file")

    /// True for a request whose body is audio (raw, or files in a form): it is streamed to the storage (a form's files
    /// through a spool on disk) instead of read whole.
    static func streamsBody(_ head: HTTPRequestHead) -> Bool {
        form(contentType: head.headers["Content-Type"]) != nil
    }

    /// A form that could not be read, as the local API reports it.
    static func formError(_ error: MultipartFormError) -> GatewayError {
        switch error {
        case .notMultipart:
            return GatewayError.invalidRequest("Content-Type multipart/form-data needs a boundary parameter")
        case .malformed(let why):
            return GatewayError.invalidRequest("malformed multipart body: \(why)")
        case .partTooLarge(let name, let limit):
            return GatewayError.invalidRequest("form field '\(name)' is longer than \(limit) bytes", param: name)
        }
    }

    /// `audio.<format>` for a raw body's content type (`audio` when the type names no known format).
    static func defaultName(contentType: String) -> String {
        AudioFormat.fromContentType(contentType).map { "audio.\($0)" } ?? "audio"
    }
}
