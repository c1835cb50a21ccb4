import JSON
import ServerSentEvents

/// DashScope's own error answer: its HTTP status, code, message and request id, plus `Retry-After`.
public struct DashScopeAPIError: Sendable, Equatable {
    /// The HTTP status (for an SSE error frame: its `:HTTP_STATUS/N` comment).
    public var status: Int
    /// DashScope's code, e.g. `Throttling.RateQuota`.
    public var code: String
    /// DashScope's message.
    public var message: String
    /// DashScope's request id, when it sent one.
    public var requestID: String?
    /// DashScope's `Retry-After` header value, kept so the gateway can pass it on.
    public var retryAfter: String?
    /// The SSE error frame as DashScope sent it, when the error came as one (relayed unchanged natively).
    public var frame: ServerSentEvent?

    /// Creates an API error.
    public init(
        status: Int, code: String, message: String, requestID: String? = nil, retryAfter: String? = nil,
        frame: ServerSentEvent? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.retryAfter = retryAfter
        self.frame = frame
    }
}

/// Why an upstream call did not produce a usable DashScope answer.
public enum DashScopeError: Error, Sendable, Equatable {
    /// DashScope answered with an error (an error JSON or an SSE error frame).
    case api(DashScopeAPIError)
    /// DashScope could not be reached (refused, DNS, TLS, connection dropped before an answer).
    case unreachable(String)
    /// DashScope did not answer within the deadline.
    case timeout
    /// DashScope closed an event stream before it ended.
    case disconnected
    /// DashScope went silent inside an event stream for longer than the idle timeout.
    case idleTimeout
    /// DashScope answered something that is not its API (not JSON, wrong shape, oversized).
    case invalidResponse(String)
    /// A result URL is not on a host the gateway fetches from.
    case resultURLRefused
    /// The result document is gone (DashScope keeps results for 24 hours).
    case resultExpired
    /// Downloading the result document failed with this HTTP status.
    case resultDownloadFailed(status: Int)
    /// The result document is larger than `limit` bytes, the most the caller reads of it.
    case resultTooLarge(limit: Int)
    /// The request was cancelled because the client left.
    case cancelled
    /// DashScope's temporary storage refused an upload: OSS's HTTP status, code and message.
    case uploadRefused(status: Int, code: String, message: String)
    /// The file is larger than the upload policy's `max_file_size_mb`.
    case uploadTooLarge(maxMB: Int)
    /// The upload policy named a storage host the gateway does not send files to.
    case uploadHostRefused

    /// The code counted in metrics and shown to clients for the gateway's own kinds.
    public var code: String {
        switch self {
        case .api(let error): error.code
        case .unreachable: "upstream_unreachable"
        case .timeout, .idleTimeout: "upstream_timeout"
        case .disconnected: "upstream_disconnected"
        case .invalidResponse: "upstream_invalid_response"
        case .resultURLRefused: "result_url_refused"
        case .resultExpired: "result_expired"
        case .resultDownloadFailed: "result_download_failed"
        case .resultTooLarge: "result_too_large"
        case .cancelled: "client_closed_request"
        case .uploadRefused: "upload_refused"
        case .uploadTooLarge: "upload_too_large"
        case .uploadHostRefused: "upload_host_refused"
        }
    }
}

extension DashScopeError {
    /// Builds the error for a non-2xx answer from its body, falling back to a generic message.
    public static func fromErrorAnswer(
        status: Int, body: [UInt8], headerRequestID: String?, retryAfter: String? = nil
    ) -> DashScopeError {
        if let json = JSONValue.parse(body), let code = json["code"]?.stringValue {
            let message = json["message"]?.stringValue ?? json["msg"]?.stringValue ?? ""
            return .api(DashScopeAPIError(
                status: status, code: code, message: message,
                requestID: json["request_id"]?.stringValue ?? headerRequestID, retryAfter: retryAfter))
        }
        if status >= 500 || status == 429 {
            return .api(DashScopeAPIError(
                status: status, code: status == 429 ? "Throttling" : "UpstreamError",
                message: "DashScope answered HTTP \(status) without an error body", requestID: headerRequestID,
                retryAfter: retryAfter))
        }
        return .invalidResponse("DashScope answered HTTP \(status) with a body that is not its error JSON")
    }
}
