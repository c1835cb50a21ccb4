import MicroHTTPServer
import Testing
@testable import DashScopeSimulator

@Suite struct SubmitTests {
    let async = [("X-DashScope-Async", "enable")]

    @Test func happyPathAnswersPendingWithIDsAndHeader() async throws {
        let h = Harness()
        let response = await h.send(
            "POST", submitPath, headers: async,
            body: #"{"model":"fun-asr","input":{"file_urls":["https://example.com/a.wav"]},"parameters":{}}"#)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        let requestID = try #require(response.object["request_id"] as? String)
        #expect(response.headers["x-request-id"] == requestID)
        #expect(requestID.count == 36)
        let output = try #require(response.object["output"] as? [String: Any])
        #expect(output["task_status"] as? String == "PENDING")
        #expect((output["task_id"] as? String)?.count == 36)
        #expect(response.text.hasPrefix(#"{"request_id":""#))
    }

    @Test func everyResponseHasAFreshRequestID() async {
        let h = Harness()
        let a = await h.send("GET", "/api/v1/tasks/x")
        let b = await h.send("GET", "/api/v1/tasks/x")
        #expect(a.object["request_id"] as? String != b.object["request_id"] as? String)
    }

    @Test(arguments: [nil, "sk-wrong", ""])
    func wrongOrMissingKeyIs401(key: String?) async {
        let h = Harness()
        let response = await h.send("POST", submitPath, headers: async, body: "{}", key: key)
        #expect(response.status == 401)
        #expect(response.code == "InvalidApiKey")
        #expect(response.object["message"] as? String == "Invalid API-key provided.")
        #expect(response.object["request_id"] is String)
    }

    @Test func emptyAcceptedSetTakesAnyKey() async {
        let h = Harness { $0.acceptedAPIKeys = [] }
        let response = await h.send("GET", "/api/v1/tasks/x", key: "anything")
        #expect(response.status == 200)
        #expect(await h.send("GET", "/api/v1/tasks/x", key: nil).status == 401)
    }

    @Test func missingAsyncHeaderIs403() async {
        let h = Harness()
        let response = await h.send(
            "POST", submitPath, body: #"{"model":"fun-asr","input":{"file_urls":["https://e.com/a.wav"]},"parameters":{}}"#)
        #expect(response.status == 403)
        #expect(response.code == "AccessDenied")
        #expect(response.object["message"] as? String == "current user api does not support synchronous calls")
    }

    @Test(arguments: [
        (#"{"model":"fun-asr-flash-2026-06-15","input":{"file_urls":["https://e.com/a.wav"]},"parameters":{}}"#, 400, "InvalidParameter"),
        (#"{"model":"paraformer-v2","input":{"file_urls":["https://e.com/a.wav"]},"parameters":{}}"#, 400, "InvalidParameter"),
        (#"{"input":{"file_urls":["https://e.com/a.wav"]},"parameters":{}}"#, 400, "BadRequest.EmptyModel"),
        (#"{"model":"fun-asr","parameters":{}}"#, 400, "BadRequest.EmptyInput"),
        (#"{"model":"fun-asr","input":{"file_url":"https://e.com/a.wav"},"parameters":{}}"#, 400, "BadRequest.EmptyInput"),
        (#"{"model":"fun-asr","input":{"file_urls":[]},"parameters":{}}"#, 400, "InvalidParameter"),
        (#"{"model":"fun-asr","input":{"file_urls":"https://e.com/a.wav"},"parameters":{}}"#, 400, "InvalidParameter"),
        (#"{"model":"fun-asr","input":{"file_urls":["ftp://e.com/a.wav"]},"parameters":{}}"#, 400, "InvalidURL"),
        (#"{"model":"fun-asr","input":{"file_urls":["oss://dashscope-instant/x/a.wav"]},"parameters":{}}"#, 400, "InvalidURL"),
        (#"{"model":"fun-asr","input":{"file_urls":["https://e.com/a.wav"]},"parameters":[]}"#, 400, "InvalidParameter"),
        (#"{"model":"fun-asr","input":{"file_urls":["https://e.com/a.wav"]},"parameters":{"speaker_count":1}}"#, 400, "InvalidParameter"),
        (#"{"model":"fun-asr","input":{"file_urls":["https://e.com/a.wav"]},"parameters":{"diarization_enabled":"yes"}}"#, 400, "InvalidParameter"),
        (#"{"model":"fun-asr","input":{"file_urls":["https://e.com/a.wav"]},"parameters":{"channel_id":[0,"1"]}}"#, 400, "InvalidParameter"),
        (#"{"model": "fun-asr", "input": {"#, 400, "InvalidParameter"),
    ])
    func invalidSubmissions(body: String, status: Int, code: String) async {
        let h = Harness()
        let response = await h.send("POST", submitPath, headers: async, body: body)
        #expect(response.status == status)
        #expect(response.code == code)
    }

    @Test func modelNotExistMessage() async {
        let h = Harness()
        let response = await h.send(
            "POST", submitPath, headers: async,
            body: #"{"model":"fun-asr-realtime","input":{"file_urls":["https://e.com/a.wav"]},"parameters":{}}"#)
        #expect(response.object["message"] as? String == "Model not exist.")
    }

    @Test func ossURLsNeedTheResolveHeader() async throws {
        let h = Harness()
        let body = #"{"model":"fun-asr","input":{"file_urls":["oss://dashscope-instant/x/a.wav"]},"parameters":{}}"#
        let refused = await h.send("POST", submitPath, headers: async, body: body)
        #expect(refused.code == "InvalidURL")
        #expect(refused.object["message"] as? String == "Invalid URL provided in your request.")
        let accepted = await h.send(
            "POST", submitPath, headers: async + [("X-DashScope-OssResourceResolve", "enable")], body: body)
        #expect(accepted.status == 200)
    }

    @Test func acceptsOneToHundredURLs() async throws {
        let h = Harness()
        let hundred = (0..<100).map { "https://e.com/\($0).wav" }
        _ = try await h.submit(hundred)
        let many = (0..<101).map { "\"https://e.com/\($0).wav\"" }.joined(separator: ",")
        let response = await h.send(
            "POST", submitPath, headers: async,
            body: #"{"model":"fun-asr","input":{"file_urls":["# + many + #"]},"parameters":{}}"#)
        #expect(response.code == "InvalidParameter")
    }

    @Test(arguments: ["fun-asr", "fun-asr-2025-11-07", "fun-asr-2025-08-25", "fun-asr-mtl", "fun-asr-mtl-2025-08-25"])
    func everyAsyncModelIsServed(model: String) async throws {
        let h = Harness()
        _ = try await h.submit(["https://e.com/a.wav"], model: model)
    }

    @Test func missingParametersIsAcceptedButTheTaskFails() async throws {
        let h = Harness()
        let id = try await h.submit(["https://e.com/a.wav", "https://e.com/b.wav"], parameters: nil)
        #expect(((await h.query(id))["output"] as? [String: Any])?["task_status"] as? String == "PENDING")
        h.clock.advance(by: .seconds(4))
        let output = try #require((await h.query(id))["output"] as? [String: Any])
        #expect(output["task_status"] as? String == "FAILED")
        #expect(output["code"] as? String == "InvalidParameter")
        #expect(output["message"] as? String == "Required parameter \"parameters\" missing from request.")
        let results = try #require(output["results"] as? [[String: Any]])
        #expect(results.count == 2)
        for result in results {
            #expect(result["subtask_status"] as? String == "FAILED")
            #expect(result["code"] as? String == "InvalidParameter")
            #expect(result["transcription_url"] == nil)
        }
        #expect((await h.query(id))["usage"] == nil)
    }

    @Test func emptyParametersObjectIsEnough() async throws {
        let h = Harness()
        let id = try await h.submit(["https://e.com/a.wav"], parameters: "{}")
        h.clock.advance(by: .seconds(4))
        #expect(((await h.query(id))["output"] as? [String: Any])?["task_status"] as? String == "SUCCEEDED")
    }

    @Test func unknownPathsAndMethods() async {
        let h = Harness()
        #expect(await h.send("GET", "/api/v1/nothing").status == 404)
        #expect(await h.send("GET", submitPath).status == 405)
        #expect(await h.send("DELETE", "/api/v1/tasks/abc").status == 405)
    }
}
