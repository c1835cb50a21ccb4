/// A file submit's files on the gateway's disk with its validated submission (sizes checked against the upload
/// policy), not uploaded yet.
struct SpooledFiles: Sendable {
    /// One spooled file.
    struct File: Sendable {
        var name: String
        var contentType: String
        var spool: SpooledFile
    }

    var submission: TranscriptionSubmission
    var files: [File]
    /// The uploader that checked the sizes, holding the upload policy it fetched for them.
    var uploader: LocalFileUploader
}
