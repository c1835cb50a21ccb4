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
            return try await upload(try await spooledMultipart(context), call: context.upstream)
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
        guard let size = stream.declaredLength else { throw Self.lengthRequired }
        guard size > 0 else { throw Self.emptyBody }
        var uploader = LocalFileUploader(client: client, model: submission.model, call: context.upstream)
        let url = try await uploader.upload(fileName: name, contentType: contentType, size: size, body: stream)
        var submission = submission
        submission.fileURLs = [url]
        return (submission, [UploadedFile(fileName: name, bytes: size, fileURL: url)])
    }

    /// A multipart body read as it arrives, each file spooled to disk (`SpooledForm`): the options are validated and
    /// every file is checked against the policy; nothing is uploaded yet. Memory holds the fields and a piece in
    /// flight, never a file.
    private func spooledMultipart(_ context: RouteContext) async throws -> SpooledFiles {
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
        var files: [SpooledFiles.File] = []
        var fields: [(name: String, value: String)] = []
        for part in form.parts {
            if part.name == "file" {
                let name = part.filename ?? "audio-\(files.count + 1)"
                guard files.count < form.files.count else { break }  // past the file count limit: refused below
                let file = form.files[files.count]
                guard file.size > 0 else {
                    throw GatewayError.invalidRequest("file part \(files.count + 1) ('\(name)') is empty", param: "file")
                }
                files.append(SpooledFiles.File(name: name, contentType: part.contentType ?? "application/octet-stream", spool: file))
            } else {
                guard let text = String(validating: part.body, as: UTF8.self) else {
                    throw GatewayError.invalidRequest("form field '\(part.name)' is not UTF-8 text", param: part.name)
                }
                fields.append((part.name, text))
            }
        }
        let fileParts = form.parts.count { $0.name == "file" }
        let submission = try FileSubmissionOptions.submission(fields, fileCount: fileParts)
        var uploader = LocalFileUploader(client: client, model: submission.model, call: context.upstream)
        for file in files {
            try await uploader.checkSize(file.spool.size, fileName: file.name)
        }
        return SpooledFiles(submission: submission, files: files, uploader: uploader)
    }

    /// The request's files read to disk (a raw body too), options validated and sizes checked against the policy,
    /// for an answer before the upload (`Prefer: respond-async`).
    func spool(_ form: Form, _ context: RouteContext) async throws -> SpooledFiles {
        guard case .rawAudio(let contentType) = form else { return try await spooledMultipart(context) }
        let head = context.request.head
        let submission = try FileSubmissionOptions.submission(head.query.filter { $0.name != "filename" }, fileCount: 1)
        let name = head.queryValue("filename") ?? Self.defaultName(contentType: contentType)
        var uploader = LocalFileUploader(client: client, model: submission.model, call: context.upstream)
        guard let spool = SpooledFile() else { throw SpooledForm.diskError }
        if let stream = context.request.bodyStream {
            guard let size = stream.declaredLength else { throw Self.lengthRequired }
            guard size > 0 else { throw Self.emptyBody }
            try await uploader.checkSize(size, fileName: name)
            do {
                for try await piece in stream {
                    guard spool.append(piece) else { throw SpooledForm.diskError }
                }
            } catch {
                throw UploadedAudio.bodyError(error)
            }
        } else {
            guard !context.request.body.isEmpty else { throw Self.emptyBody }
            try await uploader.checkSize(context.request.body.count, fileName: name)
            guard spool.append(context.request.body) else { throw SpooledForm.diskError }
        }
        return SpooledFiles(
            submission: submission, files: [SpooledFiles.File(name: name, contentType: contentType, spool: spool)],
            uploader: uploader)
    }

    /// Uploads spooled files one after another, reporting (file index, bytes handed on) as they go, and returns
    /// the submission with their `oss://` URLs.
    func upload(
        _ spooled: SpooledFiles, call: CallContext, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws -> (TranscriptionSubmission, [UploadedFile]) {
        var submission = spooled.submission
        var uploader = spooled.uploader
        uploader.call = call
        var uploaded: [UploadedFile] = []
        for (index, file) in spooled.files.enumerated() {
            let body = CountedPieces(base: file.spool.pieces()) { progress(index, $0) }
            let url = try await uploader.upload(
                fileName: file.name, contentType: file.contentType, size: file.spool.size, body: body)
            uploaded.append(UploadedFile(fileName: file.name, bytes: file.spool.size, fileURL: url))
        }
        submission.fileURLs = uploaded.map(\.fileURL)
        return (submission, uploaded)
    }

    static let emptyBody = GatewayError.invalidRequest("the request body (the audio) is empty", param: "file")

    static let lengthRequired = GatewayError(
        status: 411, code: "length_required",
        message: "send the audio with a Content-Length: DashScope's temporary storage needs the file's size up front")

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
