import JSON
import DashScope
import MicroHTTPServer

/// Which error body shape a route family speaks.
public enum ErrorStyle: Sendable {
    /// `{"error": {"code", "message", "request_id"}}` for the local API.
    case local
    /// `{"error": {"message", "type", "param", "code"}}` for the OpenAI-compatible routes.
    case openAI
    /// `{"code", "message", "request_id"}` for the DashScope-native passthrough.
    case dashScope

    /// Renders an error as this style's JSON response, with the gateway's request id.
    public func response(for error: GatewayError, requestID: String) -> HTTPResponse {
        let body: JSONValue
        switch self {
        case .local:
            body = .object(["error": .object([
                "code": .string(error.code), "message": .string(error.message),
                "request_id": .string(error.upstreamRequestID ?? requestID),
            ])])
        case .openAI:
            body = .object(["error": .object([
                "message": .string(error.message), "type": .string(Self.openAIType(status: error.status)),
                "param": error.param.map(JSONValue.string) ?? .null, "code": .string(error.code),
            ])])
        case .dashScope:
            body = .object([
                "code": .string(error.code), "message": .string(error.message),
                "request_id": .string(error.upstreamRequestID ?? requestID),
            ])
        }
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        for field in error.headers { headers.add(field.name, field.value) }
        if let upstream = error.upstreamRequestID { headers.add("X-DashScope-Request-Id", upstream) }
        return HTTPResponse(status: error.status, headers: headers, body: .bytes(body.serialized()))
    }

    private static func openAIType(status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 404: "not_found_error"
        case 429: "rate_limit_error"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
    }
}
