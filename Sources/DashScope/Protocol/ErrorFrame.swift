import JSON
import ServerSentEvents

/// DashScope's SSE error frames: `event:error`, `:HTTP_STATUS/N` and a `data:` error JSON (dashscope-api.md §12).
public enum ErrorFrame {
    /// True for an event DashScope sends to report a failure.
    public static func isError(_ event: ServerSentEvent) -> Bool {
        event.event == "error"
    }

    /// The error a frame carries: the status from `:HTTP_STATUS/N` (else `fallbackStatus`), DashScope's code,
    /// message and request id; the frame itself is kept so a native client can get it unchanged.
    public static func error(from frame: ServerSentEvent, fallbackStatus: Int = 500, retryAfter: String? = nil) -> DashScopeAPIError {
        let json = JSONValue.parse(Array(frame.data.utf8))
        let status = frame.comments.lazy.compactMap { comment -> Int? in
            guard comment.hasPrefix("HTTP_STATUS/") else { return nil }
            return Int(comment.dropFirst("HTTP_STATUS/".count))
        }.first ?? fallbackStatus
        return DashScopeAPIError(
            status: status, code: json?["code"]?.stringValue ?? "upstream_error",
            message: json?["message"]?.stringValue ?? "DashScope reported an error without a message",
            requestID: json?["request_id"]?.stringValue, retryAfter: retryAfter, frame: frame)
    }
}
