import DashScope
import MicroHTTPServer

/// The one error type routes throw; it knows its HTTP status and how to describe itself.
public struct GatewayError: Error, Sendable, Equatable {
    /// The HTTP status sent to the client.
    public var status: Int
    /// A stable code: the gateway's own (snake_case) or DashScope's, passed through.
    public var code: String
    /// A sentence for a human.
    public var message: String
    /// DashScope's request id when the error came from DashScope.
    public var upstreamRequestID: String?
    /// The request field at fault, when there is one (used by the OpenAI error shape).
    public var param: String?
    /// Extra response headers (e.g. `Retry-After`, `Allow`).
    public var headers: [(name: String, value: String)] = []

    /// Creates an error.
    public init(status: Int, code: String, message: String, upstreamRequestID: String? = nil, param: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.upstreamRequestID = upstreamRequestID
        self.param = param
    }

    /// Equal when status, code and message match.
    public static func == (lhs: GatewayError, rhs: GatewayError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// 400 for a request the gateway will not forward.
    public static func invalidRequest(_ message: String, param: String? = nil) -> GatewayError {
        GatewayError(status: 400, code: "invalid_request", message: message, param: param)
    }

    /// 404 for a path no route serves.
    public static func notFound(_ message: String) -> GatewayError {
        GatewayError(status: 404, code: "not_found", message: message)
    }

    /// 409 for an action the task's state does not allow.
    public static func conflict(_ message: String) -> GatewayError {
        GatewayError(status: 409, code: "conflict", message: message)
    }

    /// 413 for a file past the temporary storage's `max_file_size_mb`.
    static func uploadTooLarge(_ limit: String) -> GatewayError {
        GatewayError(
            status: 413, code: DashScopeError.uploadTooLarge(maxMB: 0).code,
            message: "the file is larger than DashScope's temporary storage accepts (\(limit): max_file_size_mb of its upload policy)")
    }

    /// The gateway's view of an upstream failure: DashScope's own status, code and `Retry-After`, or 502/504/410.
    /// DashScope's 401/403 concern the gateway's key, not the client's local token, so they become 502
    /// `upstream_auth_failed` (the native passthrough relays DashScope's answer itself and never gets here).
    public static func upstream(_ error: DashScopeError) -> GatewayError {
        switch error {
        case .api(let answer) where answer.status == 401 || answer.status == 403:
            return GatewayError(
                status: 502, code: "upstream_auth_failed",
                message: "DashScope refused the gateway's API key (HTTP \(answer.status) \(answer.code)); "
                    + "the gateway's DashScope key or account needs fixing, not the client's credentials",
                upstreamRequestID: answer.requestID)
        case .api(let answer):
            var mapped = GatewayError(
                status: answer.status, code: answer.code, message: answer.message, upstreamRequestID: answer.requestID)
            if let retryAfter = answer.retryAfter { mapped.headers.append(("Retry-After", retryAfter)) }
            return mapped
        case .unreachable(let detail):
            return GatewayError(status: 502, code: error.code, message: "DashScope could not be reached: \(detail)")
        case .invalidResponse(let detail):
            return GatewayError(status: 502, code: error.code, message: detail)
        case .timeout:
            return GatewayError(status: 504, code: error.code, message: "DashScope did not answer in time")
        case .idleTimeout:
            return GatewayError(status: 504, code: error.code, message: "DashScope went silent mid-stream past the idle timeout")
        case .disconnected:
            return GatewayError(status: 502, code: error.code, message: "DashScope closed the stream before it ended")
        case .resultURLRefused:
            return GatewayError(
                status: 502, code: error.code, message: "DashScope returned a result URL on a host the gateway does not fetch from")
        case .resultExpired:
            return GatewayError(
                status: 410, code: error.code,
                message: "the result document is no longer available (DashScope keeps results for 24 hours)")
        case .resultDownloadFailed(let status):
            return GatewayError(
                status: 502, code: error.code, message: "downloading the result document failed with HTTP \(status)")
        case .resultTooLarge(let limit):
            return GatewayError(
                status: 502, code: error.code,
                message: "the result document is larger than the \(limit) bytes the gateway reads of one; it was not downloaded whole")
        case .cancelled:
            return GatewayError(status: 499, code: error.code, message: "the client closed the request")
        case .uploadTooLarge(let maxMB):
            return .uploadTooLarge("\(maxMB) MB")
        case .uploadRefused(_, "EntityTooLarge", _):
            return .uploadTooLarge("its limit")
        case .uploadRefused(let status, let code, let message):
            return GatewayError(
                status: 502, code: error.code,
                message: "DashScope's temporary storage refused the upload (HTTP \(status) \(code): \(message))")
        case .uploadHostRefused:
            return GatewayError(
                status: 502, code: error.code,
                message: "DashScope's upload policy named a storage host the gateway does not send files to")
        }
    }

    /// Any error a route may throw, as a `GatewayError` (the one place errors become statuses).
    public static func from(_ error: any Error) -> GatewayError {
        switch error {
        case let gateway as GatewayError: return gateway
        case let upstream as DashScopeError: return .upstream(upstream)
        case let validation as RequestValidationError: return .invalidRequest(validation.message, param: validation.field)
        case let body as RequestBodyError:
            switch body {
            case .tooLarge(let limit):
                return GatewayError(
                    status: 413, code: "payload_too_large", message: "request body is larger than the \(limit) bytes this route accepts")
            case .clientDisconnected:
                return .upstream(.cancelled)
            }
        case is CancellationError: return .upstream(.cancelled)
        case let convertible as GatewayErrorConvertible:
            return convertible.gatewayError
        default: return GatewayError(status: 500, code: "internal_error", message: "unexpected error: \(type(of: error))")
        }
    }
}

/// An error of a part of the gateway that knows how it is answered (e.g. the job store's), so this folder need not
/// know that part.
protocol GatewayErrorConvertible: Error {
    /// The answer for this error.
    var gatewayError: GatewayError { get }
}
