import FoundationEssentials
import MicroHTTPServer

/// The temporary-upload pair (§5): the getPolicy answer and the OSS form POST it points at.
enum UploadEndpoints {
    /// The path of the simulated OSS upload host.
    static let uploadPath = "/oss-upload"

    /// `{"request_id","data":{…}}` for `GET /api/v1/uploads?action=getPolicy&model=…`.
    static func policyBody(model: String, apiKey: String, baseURL: String, now: Date, requestID: String) -> OrderedJSON {
        let expiration = Date(timeIntervalSince1970: now.timeIntervalSince1970 + 300)
        let policyJSON = OrderedJSON.obj([
            "expiration": .string(expiration.formatted(Date.ISO8601FormatStyle())),
            "conditions": .array([
                .array([.string("content-length-range"), .int(0), .int(100 * 1024 * 1024)]),
                .array([.string("starts-with"), .string("$key"), .string(uploadDirectory(model: model, apiKey: apiKey, now: now, requestID: requestID))]),
            ]),
        ])
        let policy = Data(policyJSON.bytes()).base64EncodedString()
        return .obj([
            "request_id": .string(requestID),
            "data": .obj([
                "policy": .string(policy),
                "signature": .string(Data(Fingerprint.hex("sig\n" + policy).utf8).base64EncodedString()),
                "upload_dir": .string(uploadDirectory(model: model, apiKey: apiKey, now: now, requestID: requestID)),
                "upload_host": .string(baseURL + uploadPath),
                "expire_in_seconds": .int(300),
                "max_file_size_mb": .int(100),
                "capacity_limit_mb": .int(999_999_999),
                "oss_access_key_id": .string("LTAI5tSimulatorKey"),
                "x_oss_object_acl": .string("private"),
                "x_oss_forbid_overwrite": .string("true"),
            ]),
        ])
    }

    /// `dashscope-instant/<account>/<date>/<id>`, like DashScope's.
    static func uploadDirectory(model: String, apiKey: String, now: Date, requestID: String) -> String {
        let date = String(BeijingTime.format(now).prefix(10))
        return "dashscope-instant/\(Fingerprint.hex(apiKey + model))/\(date)/\(requestID.prefix(8))"
    }

    /// The names of the form fields of a `multipart/form-data` body; nil when it is not one.
    static func formFieldNames(contentType: String?, body: [UInt8]) -> [String]? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundaryRange = contentType.firstRange(of: "boundary=")
        else { return nil }
        var boundary = String(contentType[boundaryRange.upperBound...])
        if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
        boundary = String(boundary.drop { $0 == "\"" || $0 == " " }.reversed().drop { $0 == "\"" || $0 == " " }.reversed())
        guard !boundary.isEmpty else { return nil }
        let delimiter = Array(("--" + boundary).utf8)
        var names: [String] = []
        var searchFrom = body.startIndex
        while let start = find(delimiter, in: body, from: searchFrom) {
            let headersStart = start + delimiter.count
            guard let headersEnd = find(Array("\r\n\r\n".utf8), in: body, from: headersStart) else { break }
            let headerText = String(decoding: body[headersStart..<headersEnd], as: UTF8.self)
            if let nameRange = headerText.firstRange(of: "name=\"") {
                let rest = headerText[nameRange.upperBound...]
                if let quote = rest.firstIndex(of: "\"") { names.append(String(rest[..<quote])) }
            }
            searchFrom = headersEnd
        }
        return names
    }

    /// The `POST /oss-upload` answer: 204/200 when `key` and `file` are present, else OSS's 400.
    static func upload(_ request: HTTPRequest, requestID: String) -> HTTPResponse {
        let names = formFieldNames(contentType: request.head.headers["Content-Type"], body: request.body) ?? []
        guard names.contains("key"), names.contains("file") else {
            return OSSError.malformedPost.response(requestID: requestID)
        }
        return HTTPResponse(status: 200, headers: ["x-oss-request-id": requestID, "Content-Type": "text/plain"], body: .bytes([]))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var index = from
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
