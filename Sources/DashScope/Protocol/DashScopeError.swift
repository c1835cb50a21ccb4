import JSON
/// Why an upstream call did not produce a usable DashScope answer.
public enum DashScopeError: Error, Sendable, Equatable {
    /// DashScope answered with an error envelope (its status, code, message and request id).
    case api(status: Int, code: String, message: String, requestID: String?)
    /// DashScope could not be reached (refused, DNS, TLS, connection dropped).
    case unreachable(String)
    /// DashScope did not answer within the deadline.
    case timeout
    /// DashScope answered something that is not its API (not JSON, wrong shape).
    case invalidResponse(String)
    /// The request was cancelled because the client left.
    case cancelled
}

extension DashScopeError {
    /// Builds the error for a non-2xx answer from its body, falling back to a generic message.
    public static func fromErrorAnswer(status: Int, body: [UInt8], headerRequestID: String?) -> DashScopeError {
        if let json = JSONValue.parse(body), let code = json["code"]?.stringValue {
            let message = json["message"]?.stringValue ?? json["msg"]?.stringValue ?? ""
            return .api(status: status, code: code, message: message,
                        requestID: json["request_id"]?.stringValue ?? headerRequestID)
        }
        if status >= 500 || status == 429 {
            return .api(status: status, code: status == 429 ? "Throttling" : "UpstreamError",
                        message: "DashScope answered HTTP \(status) without an error body", requestID: headerRequestID)
        }
        return .invalidResponse("DashScope answered HTTP \(status) with a body that is not its error JSON")
    }
}
