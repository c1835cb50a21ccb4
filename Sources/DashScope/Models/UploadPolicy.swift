import JSON

/// A temporary-upload policy (`GET /api/v1/uploads?action=getPolicy`): where and how to POST a file to DashScope's
/// temporary storage, which then answers to `oss://<upload_dir>/<name>` (dashscope-api.md §5; note `data`).
public struct UploadPolicy: Sendable, Equatable {
    /// The signed policy document.
    public var policy: String
    /// Its signature.
    public var signature: String
    /// The key prefix files go under.
    public var uploadDirectory: String
    /// The storage host to POST the form to.
    public var uploadHost: String
    /// Seconds the policy stays valid.
    public var expiresInSeconds: Int?
    /// The largest file accepted, in MB.
    public var maxFileSizeMB: Int?
    /// The storage access key id sent with the form.
    public var accessKeyID: String
    /// `x-oss-object-acl`.
    public var objectACL: String?
    /// `x-oss-forbid-overwrite`.
    public var forbidOverwrite: String?
    /// DashScope's request id.
    public var requestID: String?

    /// Reads the answer.
    public init(json: JSONValue) throws(JSONShapeError) {
        let root = try JSONObjectReader(json)
        let data = try root.object("data")
        policy = try data.string("policy")
        signature = try data.string("signature")
        uploadDirectory = try data.string("upload_dir")
        uploadHost = try data.string("upload_host")
        expiresInSeconds = try data.optionalInt("expire_in_seconds")
        maxFileSizeMB = try data.optionalInt("max_file_size_mb")
        accessKeyID = try data.string("oss_access_key_id")
        objectACL = try data.optionalString("x_oss_object_acl")
        forbidOverwrite = try data.optionalString("x_oss_forbid_overwrite")
        requestID = try root.optionalString("request_id")
    }
}
