import JSON
import MicroHTTPServer

/// JSON response helpers.
enum JSONResponse {
    /// A JSON body with the given status.
    static func make(_ value: JSONValue, status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var all = headers
        all.replace("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: all, body: .bytes(value.serialized()))
    }

    /// The request body parsed as a JSON object, or a 400.
    static func object(from body: [UInt8]) throws -> [String: JSONValue] {
        guard !body.isEmpty else { throw GatewayError.invalidRequest("the request body must be a JSON object") }
        guard let value = JSONValue.parse(body) else {
            throw GatewayError(status: 400, code: "invalid_json", message: "the request body is not valid JSON")
        }
        guard let object = value.objectValue else {
            throw GatewayError.invalidRequest("the request body must be a JSON object")
        }
        return object
    }
}
