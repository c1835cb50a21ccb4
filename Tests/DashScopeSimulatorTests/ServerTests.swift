import Foundation
import Testing
@testable import DashScopeSimulator

/// End-to-end through `SimulatorServer` on a real loopback socket.
@Suite struct ServerTests {
    let auth = [("Authorization", "Bearer \(testKey)")]

    func withServer(
        clock: ManualSimulatorClock = ManualSimulatorClock(), _ body: (SimulatorServer, ManualSimulatorClock) async throws -> Void
    ) async throws {
        let server = SimulatorServer(simulator: Simulator(configuration: .fastForTests, clock: clock))
        try server.start()
        do {
            try await body(server, clock)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    @Test func asyncRoundTripOverTheSocket() async throws {
        try await withServer { server, clock in
            #expect(server.port > 0)
            #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
            #expect(server.apiBaseURL == server.baseURL + "/api/v1")
            let submit = try #require(await RawHTTPClient.send(
                port: server.port, method: "POST", path: submitPath,
                headers: auth + [("X-DashScope-Async", "enable"), ("Content-Type", "application/json")],
                body: Array(#"{"model":"fun-asr","input":{"file_urls":["https://e.com/a.wav"]},"parameters":{}}"#.utf8)))
            #expect(submit.status == 200)
            let submitJSON = jsonObject(submit.text)
            #expect(submit.header("x-request-id") == submitJSON["request_id"] as? String)
            let id = try #require((submitJSON["output"] as? [String: Any])?["task_id"] as? String)
            clock.advance(by: .seconds(1))
            let query = try #require(await RawHTTPClient.send(port: server.port, method: "GET", path: "/api/v1/tasks/\(id)", headers: auth))
            let output = try #require(jsonObject(query.text)["output"] as? [String: Any])
            #expect(output["task_status"] as? String == "SUCCEEDED")
            let url = try #require((output["results"] as? [[String: Any]])?.first?["transcription_url"] as? String)
            #expect(url.hasPrefix("http://127.0.0.1:\(server.port)/results/\(id)/0.json?"))
            let pathAndQuery = String(url.dropFirst(server.baseURL.count))
            let document = try #require(await RawHTTPClient.send(port: server.port, method: "GET", path: pathAndQuery))
            #expect(document.status == 200)
            #expect(jsonObject(document.text)["transcripts"] != nil)
            let withKey = try #require(await RawHTTPClient.send(port: server.port, method: "GET", path: pathAndQuery, headers: auth))
            #expect(withKey.status == 400)
            #expect(withKey.text.contains("Unsupported Authorization Type"))
            #expect(server.simulator.receivedRequests().map(\.method) == ["POST", "GET", "GET", "GET"])
        }
    }

    func stream(_ server: SimulatorServer) async throws -> RawResponse {
        try #require(await RawHTTPClient.send(
            port: server.port, method: "POST", path: generationPath,
            headers: auth + [("X-DashScope-SSE", "enable"), ("Content-Type", "application/json")],
            body: Array(flashBody.utf8)))
    }

    func expectedFrames(requestID: String) -> [UInt8] {
        let transcript = SyntheticTranscript(seed: "https://e.com/hello.wav", sentenceCount: 2...3)
        return RecognitionPayloads.streamPayloads(transcript, requestID: requestID).enumerated()
            .flatMap { SSEFraming.result(id: $0.offset + 1, data: $0.element) }
    }

    @Test func sseStreamBytesOnTheWire() async throws {
        try await withServer { server, _ in
            let response = try await stream(server)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/event-stream;charset=UTF-8")
            #expect(response.header("Transfer-Encoding") == "chunked")
            let requestID = try #require(response.header("x-request-id"))
            #expect(response.body == expectedFrames(requestID: requestID))
            #expect(response.complete)
        }
    }

    @Test func dropAfterCutsWithoutTerminator() async throws {
        try await withServer { server, _ in
            server.simulator.inject(.dropAfter(events: 2), for: .generation)
            let response = try await stream(server)
            let requestID = try #require(response.header("x-request-id"))
            #expect(!response.complete)
            let frames = expectedFrames(requestID: requestID)
            #expect(response.text.components(separatedBy: "\n\n").count == 3)
            #expect(Array(frames.prefix(response.body.count)) == response.body)
        }
    }

    @Test func errorFrameOverHTTPFaultControl() async throws {
        try await withServer { server, _ in
            let queued = try #require(await RawHTTPClient.send(
                port: server.port, method: "POST", path: "/simulator/faults",
                body: Array(#"{"endpoint":"generation","fault":"error_frame_after","events":1}"#.utf8)))
            #expect(queued.status == 200)
            let response = try await stream(server)
            #expect(response.complete)
            #expect(response.text.contains("id:2\nevent:error\n:HTTP_STATUS/500\ndata:{\"code\":\"InternalError\""))
            #expect(response.text.hasSuffix("}\n\n"))
        }
    }

    @Test func tinyWritesArriveIntact() async throws {
        try await withServer { server, _ in
            server.simulator.inject(.tinyWrites, for: .generation)
            let response = try await stream(server)
            let requestID = try #require(response.header("x-request-id"))
            #expect(response.body == expectedFrames(requestID: requestID))
            #expect(response.complete)
        }
    }

    @Test func slowFirstByteReallyWaits() async throws {
        try await withServer { server, _ in
            server.simulator.inject(.slowFirstByte(seconds: 0.3), for: .list)
            let response = try #require(await RawHTTPClient.send(port: server.port, method: "GET", path: "/api/v1/tasks", headers: auth))
            #expect(response.status == 200)
            #expect(response.elapsed >= .milliseconds(290))
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withServer { server, _ in
            let response = try #require(await RawHTTPClient.send(
                port: server.port, method: "POST", path: "/api/v1/tasks/x", headers: auth,
                body: [UInt8](repeating: 0x41, count: 1024 * 1024 + 1)))
            #expect(response.status == 413)
            #expect(jsonObject(response.text)["code"] as? String == "BadRequest.TooLarge")
        }
    }
}
