import Foundation
import MicroHTTPServer
import Testing
@testable import DashScopeSimulator

@Suite struct FaultTests {
    let async = [("X-DashScope-Async", "enable")]
    let sse = [("X-DashScope-SSE", "enable")]
    let submitBody = #"{"model":"fun-asr","input":{"file_urls":["https://e.com/a.wav"]},"parameters":{}}"#

    @Test func throttledOnceWithRetryAfter() async {
        let h = Harness()
        h.simulator.inject(.throttled(retryAfterSeconds: 3), for: .submit)
        let first = await h.send("POST", submitPath, headers: async, body: submitBody)
        #expect(first.status == 429)
        #expect(first.headers["Retry-After"] == "3")
        #expect(first.code == "Throttling.RateQuota")
        #expect(first.object["message"] as? String == "Requests rate limit exceeded, please try again later.")
        #expect(first.object["request_id"] as? String == first.headers["x-request-id"])
        #expect(await h.send("POST", submitPath, headers: async, body: submitBody).status == 200)
    }

    @Test(arguments: [
        (SimulatorFault.internalError, 500, "InternalError"), (.unauthorized, 401, "InvalidApiKey"),
        (.badRequest, 400, "InvalidParameter"), (.forbidden, 403, "AccessDenied"),
        (.httpError(status: 503, code: "ServiceUnavailable", message: "busy"), 503, "ServiceUnavailable"),
    ])
    func statusFaults(fault: SimulatorFault, status: Int, code: String) async {
        let h = Harness()
        h.simulator.inject(fault, for: .any, count: 2)
        for _ in 0..<2 {
            let response = await h.send("GET", "/api/v1/tasks/x")
            #expect(response.status == status)
            #expect(response.code == code)
        }
        #expect(await h.send("GET", "/api/v1/tasks/x").status == 200)
    }

    @Test func faultsOnlyHitTheirEndpoint() async {
        let h = Harness()
        h.simulator.inject(.internalError, for: .query)
        #expect(await h.send("POST", submitPath, headers: async, body: submitBody).status == 200)
        #expect(await h.send("GET", "/api/v1/tasks").status == 200)
        #expect(await h.send("GET", "/api/v1/tasks/x").status == 500)
    }

    @Test func faultsWinOverValidationAndAuth() async {
        let h = Harness()
        h.simulator.inject(.internalError, for: .generation)
        #expect(await h.send("POST", generationPath, body: "garbage", key: nil).status == 500)
    }

    @Test func streamOnlyFaultsWaitForAStream() async {
        let h = Harness()
        h.simulator.inject(.tinyWrites, for: .generation)
        h.simulator.inject(.plainJSONInsteadOfSSE, for: .any)
        let plain = await h.send("POST", generationPath, body: flashBody)
        #expect(!plain.isStream)
        #expect(h.simulator.state.withLock { $0.faults.entries.count } == 2)
        let streamed = await h.send("POST", generationPath, headers: sse, body: flashBody)
        #expect(!streamed.isStream)
        #expect(streamed.headers["Content-Type"] == "application/json")
        #expect((streamed.object["output"] as? [String: Any])?["sentence"] != nil)
        #expect(h.simulator.state.withLock { $0.faults.entries.isEmpty })
    }

    @Test func slowFirstByteDelaysTheHead() async {
        let h = Harness()
        h.simulator.inject(.slowFirstByte(seconds: 1.25), for: .list)
        #expect(await h.send("GET", "/api/v1/tasks").status == 200)
        #expect(h.sleeps.all == [.milliseconds(1250)])
    }

    @Test(arguments: [false, true])
    func garbage(streaming: Bool) async {
        let h = Harness()
        h.simulator.inject(.garbage, for: .generation)
        let response = await h.send("POST", generationPath, headers: streaming ? sse : [], body: flashBody)
        #expect(response.status == 200)
        #expect(response.bytes == SSEStream.garbage)
        #expect(response.headers["Content-Type"] == (streaming ? "text/event-stream;charset=UTF-8" : "application/json"))
    }

    @Test func dropOnAPlainEndpointCutsAfterTheHead() async {
        let h = Harness()
        h.simulator.inject(.dropAfter(events: 0), for: .query)
        let response = await h.send("GET", "/api/v1/tasks/x")
        #expect(response.status == 200)
        #expect(response.isStream)
    }

    @Test func clearFaults() async {
        let h = Harness()
        h.simulator.inject(.internalError, count: 5)
        h.simulator.clearFaults()
        #expect(await h.send("GET", "/api/v1/tasks/x").status == 200)
    }

    @Test func faultsOverHTTP() async throws {
        let h = Harness()
        let queued = await h.send(
            "POST", "/simulator/faults", body: #"{"endpoint":"submit","fault":"throttled","retry_after":7,"count":2}"#, key: nil)
        #expect(queued.status == 200)
        let listed = await h.send("GET", "/simulator/faults", key: nil)
        #expect(listed.text.contains(#""endpoint":"submit""#) && listed.text.contains(#""remaining":2"#))
        let hit = await h.send("POST", submitPath, headers: async, body: submitBody)
        #expect(hit.status == 429)
        #expect(hit.headers["Retry-After"] == "7")
        #expect(await h.send("DELETE", "/simulator/faults", key: nil).status == 200)
        #expect(await h.send("POST", submitPath, headers: async, body: submitBody).status == 200)
    }

    static let httpFaults: [(String, SimulatorFault, SimulatorEndpoint)] = [
        (#"{"endpoint":"generation","fault":"errorFrameAfter","events":2}"#, .errorFrameAfter(events: 2), .generation),
        (#"{"endpoint":"generation","fault":"drop_after","events":1}"#, .dropAfter(events: 1), .generation),
        (#"{"endpoint":"generation","fault":"stall_after","events":1,"seconds":0.5}"#, .stallAfter(events: 1, seconds: 0.5), .generation),
        (#"{"fault":"slow_first_byte","seconds":2}"#, .slowFirstByte(seconds: 2), .any),
        (#"{"endpoint":"upload_policy","fault":"internal_error"}"#, .internalError, .uploadPolicy),
        (#"{"endpoint":"ossUpload","fault":"unauthorized"}"#, .unauthorized, .ossUpload),
        (#"{"endpoint":"result","fault":"forbidden"}"#, .forbidden, .result),
        (#"{"endpoint":"list","fault":"bad_request"}"#, .badRequest, .list),
        (#"{"endpoint":"cancel","fault":"http_error","status":409,"code":"Conflict","message":"m"}"#, .httpError(status: 409, code: "Conflict", message: "m"), .cancel),
        (#"{"endpoint":"generation","fault":"crlf_line_ends"}"#, .crlfLineEnds, .generation),
        (#"{"endpoint":"generation","fault":"tiny_writes"}"#, .tinyWrites, .generation),
        (#"{"endpoint":"query","fault":"garbage"}"#, .garbage, .query),
        (#"{"endpoint":"generation","fault":"plain_json_instead_of_sse"}"#, .plainJSONInsteadOfSSE, .generation),
    ]

    @Test(arguments: httpFaults)
    func httpFaultNames(body: String, fault: SimulatorFault, endpoint: SimulatorEndpoint) throws {
        let parsed = try ControlEndpoints.parseFault(Array(body.utf8)).get()
        #expect(parsed.0 == fault)
        #expect(parsed.1 == endpoint)
        #expect(parsed.2 == 1)
    }

    @Test(arguments: [#"{"fault":"explode"}"#, #"{"endpoint":"nowhere","fault":"garbage"}"#, "nope",
                      #"{"fault":"http_error","status":200}"#, #"{"fault":"garbage","count":0}"#])
    func badHTTPFaultsAre400(body: String) async {
        let response = await Harness().send("POST", "/simulator/faults", body: body, key: nil)
        #expect(response.status == 400)
    }

    @Test func recordedRequestsInOrderWithoutControlCalls() async throws {
        let h = Harness()
        _ = await h.send("POST", submitPath, headers: async + [("X-Custom", "1")], body: submitBody)
        _ = await h.send("POST", "/simulator/faults", body: #"{"fault":"garbage","endpoint":"cancel"}"#, key: nil)
        _ = await h.send("GET", "/api/v1/tasks", query: [("page_no", "2")])
        let recorded = h.simulator.receivedRequests()
        #expect(recorded.map(\.method) == ["POST", "GET"])
        #expect(recorded.map(\.path) == [submitPath, "/api/v1/tasks"])
        #expect(recorded[0].header("authorization") == "Bearer \(testKey)")
        #expect(recorded[0].header("x-custom") == "1")
        #expect(recorded[0].bodyText == submitBody)
        #expect(recorded[0].bodyObject?["parameters"] != nil)
        #expect(recorded[1].queryValue("page_no") == "2")
        let overHTTP = await h.send("GET", "/simulator/requests", key: nil)
        #expect(overHTTP.text.contains(#""path":"/api/v1/tasks""#))
        h.simulator.clearRecordedRequests()
        #expect(h.simulator.receivedRequests().isEmpty)
        _ = await h.send("GET", "/api/v1/tasks")
        _ = await h.send("DELETE", "/simulator/requests", key: nil)
        #expect(h.simulator.receivedRequests().isEmpty)
    }

    @Test func recordingIsThreadSafe() async {
        let h = Harness()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask { _ = await h.send("GET", "/api/v1/tasks/\(index)") }
            }
        }
        #expect(h.simulator.receivedRequests().count == 50)
    }
}
