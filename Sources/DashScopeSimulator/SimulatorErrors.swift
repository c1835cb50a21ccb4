import MicroHTTPServer

/// A DashScope error answer: status plus the `{"code","message","request_id"}` envelope (§8).
struct SimulatedError: Error, Sendable, Equatable {
    var status: Int
    var code: String
    var message: String
    /// Extra headers (e.g. `Retry-After` on 429).
    var headers: [String: String] = [:]

    /// The envelope, key order as in DashScope's captures.
    func body(requestID: String) -> OrderedJSON {
        .obj(["code": .string(code), "message": .string(message), "request_id": .string(requestID)])
    }

    /// The HTTP response carrying the envelope.
    func response(requestID: String) -> HTTPResponse {
        var extra = HTTPHeaders()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { extra.add(name, value) }
        return .dashScopeJSON(status: status, body: body(requestID: requestID), requestID: requestID, headers: extra)
    }

    static let invalidAPIKey = SimulatedError(status: 401, code: "InvalidApiKey", message: "Invalid API-key provided.")
    static let syncNotSupported = SimulatedError(
        status: 403, code: "AccessDenied", message: "current user api does not support synchronous calls")
    static let asyncNotSupported = SimulatedError(
        status: 403, code: "AccessDenied", message: "current user api does not support asynchronous calls")
    static let modelNotExist = SimulatedError(status: 400, code: "InvalidParameter", message: "Model not exist.")
    static let emptyInput = SimulatedError(
        status: 400, code: "BadRequest.EmptyInput", message: "Required input parameter missing from request.")
    static let emptyModel = SimulatedError(
        status: 400, code: "BadRequest.EmptyModel", message: "Required parameter \"model\" missing from request.")
    static let emptyParameters = SimulatedError(
        status: 400, code: "BadRequest.EmptyParameters",
        message: "Required parameter \"parameters\" missing from request.")
    static let malformedJSON = SimulatedError(
        status: 400, code: "InvalidParameter", message: "The request body is not valid JSON.")
    static let invalidURL = SimulatedError(status: 400, code: "InvalidURL", message: "Invalid URL provided in your request.")
    static let cannotCancel = SimulatedError(
        status: 400, code: "UnsupportedOperation",
        message: "Failed to cancel the task, please confirm if the task is in PENDING status.")
    static let tooLarge = SimulatedError(status: 413, code: "BadRequest.TooLarge", message: "Payload Too Large")
    static let notFound = SimulatedError(status: 404, code: "NotFound", message: "The requested resource does not exist.")
    static let methodNotAllowed = SimulatedError(
        status: 405, code: "MethodNotAllowed", message: "The HTTP method is not allowed on this resource.")
    static let internalError = SimulatedError(
        status: 500, code: "InternalError", message: "An internal error has occured, please try again later.")

    /// 400 InvalidParameter with a precise message.
    static func invalidParameter(_ message: String) -> SimulatedError {
        SimulatedError(status: 400, code: "InvalidParameter", message: message)
    }

    /// 429 Throttling.RateQuota with a `Retry-After` header.
    static func throttled(retryAfterSeconds: Int) -> SimulatedError {
        SimulatedError(
            status: 429, code: "Throttling.RateQuota", message: "Requests rate limit exceeded, please try again later.",
            headers: ["Retry-After": String(retryAfterSeconds)])
    }

    /// 415 for a Flash/Realtime audio URL the double pretends it cannot fetch.
    static func downloadFailed(_ url: String) -> SimulatedError {
        SimulatedError(
            status: 415, code: "BadRequest.InputDownloadFailed", message: "Failed to download the input file: \(url)")
    }
}

/// An error answer in Alibaba OSS's XML style (result documents, uploads).
struct OSSError: Error, Sendable, Equatable {
    var status: Int
    var code: String
    var message: String

    /// The XML response, with an `x-oss-request-id` header.
    func response(requestID: String) -> HTTPResponse {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error>
              <Code>\(code)</Code>
              <Message>\(message)</Message>
              <RequestId>\(requestID)</RequestId>
              <HostId>simulator.oss</HostId>
            </Error>

            """
        return HTTPResponse(
            status: status, contentType: "application/xml", text: xml, headers: ["x-oss-request-id": requestID])
    }

    static let unsupportedAuthorization = OSSError(
        status: 400, code: "InvalidArgument", message: "Unsupported Authorization Type")
    static let expired = OSSError(status: 403, code: "AccessDenied", message: "Request has expired.")
    static let badSignature = OSSError(
        status: 403, code: "SignatureDoesNotMatch",
        message: "The request signature we calculated does not match the signature you provided.")
    static let missingSignature = OSSError(
        status: 403, code: "AccessDenied", message: "AccessDenied")
    static let noSuchKey = OSSError(status: 404, code: "NoSuchKey", message: "The specified key does not exist.")
    static let malformedPost = OSSError(
        status: 400, code: "InvalidArgument", message: "The body of your POST request is not well-formed multipart/form-data.")
    static let anonymous = OSSError(
        status: 403, code: "AccessDenied", message: "You have no right to access this object because of bucket acl.")
    static let missingKey = OSSError(status: 400, code: "InvalidArgument", message: "Key is missing in the POST form.")
    static let invalidAccessKeyID = OSSError(
        status: 403, code: "InvalidAccessKeyId", message: "The OSS Access Key Id you provided does not exist in our records.")
    static let invalidPolicy = OSSError(status: 400, code: "InvalidPolicyDocument", message: "Invalid Policy: Invalid JSON.")
    static let policyExpired = OSSError(status: 403, code: "AccessDenied", message: "Invalid according to Policy: Policy expired.")
    static let entityTooLarge = OSSError(
        status: 400, code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size.")
    static let alreadyExists = OSSError(
        status: 409, code: "FileAlreadyExists", message: "The object you specified already exists and can not be overwritten.")

    /// 403 for a form field that breaks one of the policy's conditions (quoted as OSS quotes it).
    static func conditionFailed(_ condition: String) -> OSSError {
        OSSError(status: 403, code: "AccessDenied", message: "Invalid according to Policy: Policy Condition failed: \(condition)")
    }
}

extension HTTPResponse {
    /// A DashScope JSON answer with its `x-request-id` header.
    static func dashScopeJSON(
        status: Int, body: OrderedJSON, requestID: String, headers: HTTPHeaders = [:]
    ) -> HTTPResponse {
        var all = headers
        all.replace("Content-Type", "application/json")
        all.replace("x-request-id", requestID)
        return HTTPResponse(status: status, headers: all, body: .bytes(body.bytes()))
    }
}
