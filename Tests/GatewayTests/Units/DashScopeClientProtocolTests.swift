@testable import DashScope
import JSON
import ServerSentEvents
import Testing

/// The pure protocol rules inside the DashScope client: the `parameters` rule, error answers and error frames.
@Suite struct DashScopeClientProtocolTests {
    @Test func aBodyWithoutParametersGetsAnEmptyObjectAndOneWithParametersKeepsIt() {
        let bare = JSONValue.object(["model": "fun-asr"])
        #expect(JSONValue.parse(DashScopeClient.withParameters(bare))?["parameters"] == .object([:]))
        let given = JSONValue.object(["model": "fun-asr", "parameters": .object(["a": .bool(true)])])
        #expect(JSONValue.parse(DashScopeClient.withParameters(given)) == given)
    }

    @Test func anErrorAnswerKeepsStatusCodeMessageRequestIDAndRetryAfter() {
        let error = DashScopeError.fromErrorAnswer(
            status: 429, body: Array(#"{"code":"Throttling.RateQuota","message":"slow down","request_id":"r-1"}"#.utf8),
            headerRequestID: "h-1", retryAfter: "7")
        #expect(error == .api(DashScopeAPIError(
            status: 429, code: "Throttling.RateQuota", message: "slow down", requestID: "r-1", retryAfter: "7")))
    }

    @Test func aBodylessServerErrorIsStillDashScopesAndAnOddClientErrorIsNot() {
        let empty = DashScopeError.fromErrorAnswer(status: 503, body: [], headerRequestID: "h", retryAfter: "2")
        #expect(empty == .api(DashScopeAPIError(
            status: 503, code: "UpstreamError", message: "DashScope answered HTTP 503 without an error body", requestID: "h",
            retryAfter: "2")))
        guard case .invalidResponse = DashScopeError.fromErrorAnswer(status: 400, body: Array("<html>".utf8), headerRequestID: nil) else {
            Issue.record("a 400 that is not DashScope's error JSON is an invalid answer")
            return
        }
    }

    @Test func anErrorFrameCarriesItsHTTPStatusCommentAndIsKeptWhole() {
        let frame = ServerSentEvent(
            id: "3", event: "error", data: #"{"code":"InvalidParameter","message":"bad","request_id":"r"}"#,
            comments: ["HTTP_STATUS/400"])
        let error = ErrorFrame.error(from: frame)
        #expect(error.status == 400 && error.code == "InvalidParameter" && error.message == "bad" && error.requestID == "r")
        #expect(error.frame == frame)
        let bare = ErrorFrame.error(from: ServerSentEvent(event: "error", data: "not json"), fallbackStatus: 502)
        #expect(bare.status == 502 && bare.code == "upstream_error")
    }

    @Test func aStreamedCallsErrorAnswerPrefersItsFirstFrameButKeepsTheHTTPStatus() {
        let body = Array("id:1\nevent:error\n:HTTP_STATUS/400\ndata:{\"code\":\"Arrearage\",\"message\":\"m\"}\n\n".utf8)
        let response = UpstreamResponse(
            status: 403, headers: [("Content-Type", "text/event-stream"), ("Retry-After", "5")], body: body, duration: .zero)
        guard case .api(let error) = DashScopeClient.streamError(response, isEventStream: true) else {
            Issue.record("an error frame is DashScope's error")
            return
        }
        #expect(error.status == 403 && error.code == "Arrearage" && error.retryAfter == "5")
    }

    @Test func everyFailureKindHasAStableCode() {
        let kinds: [DashScopeError] = [
            .unreachable("x"), .timeout, .idleTimeout, .disconnected, .invalidResponse("x"), .resultURLRefused, .resultExpired,
            .resultDownloadFailed(status: 500), .cancelled,
        ]
        #expect(kinds.map(\.code) == [
            "upstream_unreachable", "upstream_timeout", "upstream_timeout", "upstream_disconnected",
            "upstream_invalid_response", "result_url_refused", "result_expired", "result_download_failed",
            "client_closed_request",
        ])
    }
}
