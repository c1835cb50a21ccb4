import FoundationEssentials
import JSON

/// The out-of-process control plane under `/simulator/`: faults and recorded requests as JSON.
enum ControlEndpoints {
    /// Parses `{"endpoint":"generation","fault":"drop_after","events":2,"count":1}`; the error text says what is wrong.
    ///
    /// Fault names are matched ignoring case and underscores, so `dropAfter` and `drop_after` are the same.
    /// Extra fields: `events`, `seconds`, `retry_after`, `status`/`code`/`message` (for `http_error`), `count`.
    static func parseFault(_ body: [UInt8]) -> Result<(SimulatorFault, SimulatorEndpoint, Int), SimulatedError> {
        guard let json = JSONValue.parse(body), json.objectValue != nil else { return .failure(.malformedJSON) }
        let endpointName = json["endpoint"]?.stringValue ?? "any"
        guard let endpoint = SimulatorEndpoint.allCases.first(where: { normalized($0.rawValue) == normalized(endpointName) })
        else {
            let names = SimulatorEndpoint.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(.invalidParameter("Unknown endpoint \"\(endpointName)\"; use one of \(names)."))
        }
        let count = json["count"]?.intValue ?? 1
        guard count >= 1 else { return .failure(.invalidParameter("\"count\" must be at least 1.")) }
        let events = json["events"]?.intValue ?? 0
        let seconds = json["seconds"]?.doubleValue ?? 1
        let fault: SimulatorFault
        switch normalized(json["fault"]?.stringValue ?? "") {
        case "httperror", "status":
            guard let status = json["status"]?.intValue, (400...599).contains(status) else {
                return .failure(.invalidParameter("\"http_error\" needs a \"status\" from 400 to 599."))
            }
            fault = .httpError(
                status: status, code: json["code"]?.stringValue ?? defaultCode(status),
                message: json["message"]?.stringValue ?? "Simulated failure.")
        case "throttled", "ratelimited", "429": fault = .throttled(retryAfterSeconds: json["retry_after"]?.intValue ?? 1)
        case "internalerror", "500": fault = .internalError
        case "unauthorized", "401": fault = .unauthorized
        case "badrequest", "400": fault = .badRequest
        case "forbidden", "403": fault = .forbidden
        case "slowfirstbyte": fault = .slowFirstByte(seconds: seconds)
        case "errorframeafter": fault = .errorFrameAfter(events: events)
        case "dropafter": fault = .dropAfter(events: events)
        case "stallafter": fault = .stallAfter(events: events, seconds: seconds)
        case "crlflineends", "crlf": fault = .crlfLineEnds
        case "tinywrites": fault = .tinyWrites
        case "garbage": fault = .garbage
        case "plainjsoninsteadofsse", "plainjson": fault = .plainJSONInsteadOfSSE
        case "livetaskfailed":
            fault = .liveTaskFailed(
                afterResults: events, code: json["code"]?.stringValue ?? "InternalError",
                message: json["message"]?.stringValue ?? "Simulated failure.")
        case "liveabruptclose": fault = .liveAbruptClose(afterResults: events)
        default:
            return .failure(.invalidParameter(
                "Unknown fault; use one of http_error, throttled, internal_error, unauthorized, bad_request, forbidden, slow_first_byte, error_frame_after, drop_after, stall_after, crlf_line_ends, tiny_writes, garbage, plain_json_instead_of_sse, live_task_failed, live_abrupt_close."))
        }
        return .success((fault, endpoint, count))
    }

    /// A queued fault as JSON for `GET /simulator/faults`.
    static func json(_ entry: FaultQueue.Entry) -> OrderedJSON {
        .obj([
            "endpoint": .string(entry.endpoint.rawValue),
            "fault": .string(String(describing: entry.fault)),
            "remaining": .int(entry.remaining),
        ])
    }

    private static func normalized(_ name: String) -> String {
        name.lowercased().replacing("_", with: "").replacing("-", with: "")
    }

    private static func defaultCode(_ status: Int) -> String {
        switch status {
        case 401: "InvalidApiKey"
        case 403: "AccessDenied"
        case 404: "NotFound"
        case 408: "RequestTimeOut"
        case 413: "BadRequest.TooLarge"
        case 429: "Throttling.RateQuota"
        case 500...599: "InternalError"
        default: "InvalidParameter"
        }
    }
}
