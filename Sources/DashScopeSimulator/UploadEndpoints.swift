import FoundationEssentials
import MicroHTTPServer

/// The temporary-upload pair (§5): the getPolicy answer and the OSS form POST it points at, checked as OSS checks a
/// PostObject (signature, expiry, key prefix, exact fields, size, no overwrite).
enum UploadEndpoints {
    /// The path of the simulated OSS upload host.
    static let uploadPath = "/oss-upload"

    /// `{"request_id","data":{…}}` for `GET /api/v1/uploads?action=getPolicy&model=…`.
    static func policyBody(
        model: String, apiKey: String, baseURL: String, now: Date, requestID: String, configuration: SimulatorConfiguration
    ) -> OrderedJSON {
        let directory = uploadDirectory(model: model, apiKey: apiKey, now: now, requestID: requestID)
        let lifetime = configuration.uploadPolicyLifetime.seconds
        let policy = OSSPostPolicy(
            expiration: now.addingTimeInterval(lifetime), maxBytes: configuration.uploadMaxFileSizeMB * 1024 * 1024,
            keyPrefix: directory + "/",
            exactFields: [("x-oss-object-acl", "private"), ("x-oss-forbid-overwrite", "true")]
        ).encoded
        return .obj([
            "request_id": .string(requestID),
            "data": .obj([
                "policy": .string(policy),
                "signature": .string(OSSPostPolicy.signature(of: policy)),
                "upload_dir": .string(directory),
                "upload_host": .string(baseURL + uploadPath),
                "expire_in_seconds": .int(Int(lifetime.rounded(.down))),
                "max_file_size_mb": .int(configuration.uploadMaxFileSizeMB),
                "capacity_limit_mb": .int(999_999_999),
                "oss_access_key_id": .string(OSSPostPolicy.accessKeyID),
                "x_oss_object_acl": .string("private"),
                "x_oss_forbid_overwrite": .string("true"),
            ]),
        ])
    }

    /// `dashscope-instant/<account and model>`: the part of every upload directory that binds it to both.
    static func accountDirectory(model: String, apiKey: String) -> String {
        "dashscope-instant/\(Fingerprint.hex(apiKey + "\n" + model))"
    }

    /// `dashscope-instant/<account and model>/<date>/<id>`, like DashScope's.
    static func uploadDirectory(model: String, apiKey: String, now: Date, requestID: String) -> String {
        let date = String(BeijingTime.format(now).prefix(10))
        return "\(accountDirectory(model: model, apiKey: apiKey))/\(date)/\(requestID.prefix(8))"
    }

    /// The `POST /oss-upload` answer. The form is read and checked outside any lock (a file may be 100 MB);
    /// `insert` stores the object unless overwriting is forbidden and the key exists (then it returns false).
    static func upload(
        _ request: HTTPRequest, now: Date, requestID: String, insert: (UploadedObject, _ forbidOverwrite: Bool) -> Bool
    ) -> HTTPResponse {
        let accepted: (key: String, form: OSSForm)
        switch check(request, now: now) {
        case .failure(let error): return error.response(requestID: requestID)
        case .success(let value): accepted = value
        }
        let file = accepted.form.file ?? []
        let object = UploadedObject(
            key: accepted.key, size: file.count, contentType: accepted.form.fileContentType,
            fingerprint: Fingerprint.fnv1a(file), storedAt: now)
        guard insert(object, accepted.form.fields["x-oss-forbid-overwrite"] == "true") else {
            return OSSError.alreadyExists.response(requestID: requestID)
        }
        let headers: HTTPHeaders = ["x-oss-request-id": requestID, "ETag": "\"\(requestID.prefix(8))\""]
        switch accepted.form.fields["success_action_status"] {
        case "200": return HTTPResponse(status: 200, headers: headers, body: .bytes([]))
        case "201":
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Key>\(accepted.key)</Key></PostResponse>\n"
            return HTTPResponse(status: 201, contentType: "application/xml", text: xml, headers: headers)
        default: return HTTPResponse(status: 204, headers: headers, body: .bytes([]))
        }
    }

    private static func check(_ request: HTTPRequest, now: Date) -> Result<(key: String, form: OSSForm), OSSError> {
        // The form is signed by its policy; a request that also carries an Authorization header (a DashScope key)
        // is refused, as OSS refuses a header it cannot read.
        guard request.head.headers["Authorization"] == nil else { return .failure(.unsupportedAuthorization) }
        guard let form = OSSForm.parse(contentType: request.head.headers["Content-Type"], body: request.body),
              let file = form.file
        else { return .failure(.malformedPost) }
        guard let accessKeyID = form.fields["ossaccesskeyid"], let encoded = form.fields["policy"],
              let signature = form.fields["signature"]
        else { return .failure(.anonymous) }
        guard let key = form.fields["key"], !key.isEmpty else { return .failure(.missingKey) }
        guard accessKeyID == OSSPostPolicy.accessKeyID else { return .failure(.invalidAccessKeyID) }
        guard signature == OSSPostPolicy.signature(of: encoded) else { return .failure(.badSignature) }
        guard let policy = OSSPostPolicy(encoded: encoded) else { return .failure(.invalidPolicy) }
        guard now < policy.expiration else { return .failure(.policyExpired) }
        guard key.hasPrefix(policy.keyPrefix) else {
            return .failure(.conditionFailed(#"["starts-with", "$key", "\#(policy.keyPrefix)"]"#))
        }
        for field in policy.exactFields where form.fields[field.name] != field.value {
            return .failure(.conditionFailed(#"["eq", "$\#(field.name)", "\#(field.value)"]"#))
        }
        guard file.count <= policy.maxBytes else { return .failure(.entityTooLarge) }
        return .success((key, form))
    }
}
