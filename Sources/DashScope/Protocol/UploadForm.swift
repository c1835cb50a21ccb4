/// The `multipart/form-data` PostObject a temporary upload sends to `upload_host` (dashscope-api.md §5), split so
/// the file can stream between its two fixed parts: the fields and the file part's headers first, the closing
/// boundary last. No DashScope key is part of it: the policy and its signature are the credentials.
public struct UploadForm: Sendable, Equatable {
    /// The object key: `upload_dir/<unique>-<file name>`.
    public let key: String
    /// The multipart boundary.
    public let boundary: String
    /// Every field, then the file part's headers (the file's bytes follow).
    public let preamble: [UInt8]
    /// The CRLF ending the file and the closing boundary.
    public let epilogue: [UInt8]

    /// Builds the form for one file; `unique` keeps two files of the same name apart under one policy (the policy
    /// forbids overwriting), `boundary` must not occur in the file (a random token does not, in practice).
    public init(policy: UploadPolicy, fileName: String, contentType: String, unique: String, boundary: String) {
        self.boundary = boundary
        let name = Self.objectName(fileName)
        key = "\(policy.uploadDirectory)/\(unique)-\(name)"
        // The SDK's order (utils/oss_utils.py); OSS ignores any field after `file`, so the file goes last.
        var fields: [(String, String)] = [
            ("OSSAccessKeyId", policy.accessKeyID), ("Signature", policy.signature), ("policy", policy.policy),
            ("key", key),
        ]
        if let acl = policy.objectACL { fields.append(("x-oss-object-acl", acl)) }
        if let forbid = policy.forbidOverwrite { fields.append(("x-oss-forbid-overwrite", forbid)) }
        fields.append(("success_action_status", "200"))
        let type = Self.headerSafe(contentType) ?? "application/octet-stream"
        fields.append(("x-oss-content-type", type))
        var text = ""
        for (field, value) in fields {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"\r\n\r\n\(value)\r\n"
        }
        text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n"
        text += "Content-Type: \(type)\r\n\r\n"
        preamble = Array(text.utf8)
        epilogue = Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// `multipart/form-data; boundary=…`.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The `oss://` URL the key answers to once uploaded.
    public var ossURL: String { "oss://" + key }

    /// The body's length for a file of `fileSize` bytes.
    public func contentLength(fileSize: Int) -> Int {
        preamble.count + fileSize + epilogue.count
    }

    /// A file name safe in an object key and a quoted header: the last path component, letters, digits, `.`, `_`
    /// and `-` kept, anything else `_`, at most 100 characters; `audio` when nothing is left.
    public static func objectName(_ fileName: String) -> String {
        let last = fileName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(last.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": Character(scalar)
            default: "_"
            }
        }.suffix(100))
        while name.hasPrefix(".") { name.removeFirst() }
        return name.isEmpty ? "audio" : name
    }

    /// A media type fit for a header line (visible ASCII and spaces only), or nil.
    static func headerSafe(_ text: String) -> String? {
        let trimmed = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } ? text : ""
        return trimmed.isEmpty || trimmed.count > 200 ? nil : trimmed
    }
}
