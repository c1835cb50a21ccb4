import DashScopeSimulator
import Foundation
import JSON
import NIOCore
import NIOWebSocket
import Testing
import WebSockets

/// `GET /v1/realtime` (OpenAI Realtime transcription) end to end: a WebSocket client, the real gateway, and the
/// simulator's Fun-ASR live-audio endpoint, all on real sockets. The scenarios share one harness and run in turn.
// The limit only guards against a hang: the shared-harness test runs ten scenarios in turn, 8-12 s on a quiet machine
// but 47-91 s while the rest of the suite runs beside two busy loops (as on a loaded CI host).
@Suite(.serialized, .timeLimit(.minutes(3))) struct OpenAIRealtimeTests {
    typealias Iterator = NIOAsyncChannelInboundStream<WebSocketInbound>.AsyncIterator

    @Test func sessionsAndFaults() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            try await aGASessionGetsDeltasAndCompletedTranscripts(h)
            try await aBetaSessionSpeaksTheBetaDialect(h)
            try await theBrowserSubprotocolCarriesTheTokenWhichIsNeverEchoed(h)
            try await aMissingOrWrongTokenIs401BeforeAnyUpgrade(h)
            try await aPlainGETOrAConversationIntentIs400InOpenAIShape(h)
            try await badClientEventsGetErrorEventsAndTheSessionGoesOn(h)
            try await anUpstreamTaskFailedIsAnErrorEventAndTheNextAudioDialsAgain(h)
            try await aClientThatHangsUpHasItsUpstreamClosed(h)
            try await aMessageOverTheLimitClosesWith1009(h)
            try await anUpstreamThatRefusesTheKeyGivesAnErrorEventThenTheClose(h)
        }
    }

    @Test func dashScopesNoAudioTimeoutBecomesAnErrorEvent() async throws {
        var simulator = SimulatorConfiguration.fastForTests
        simulator.liveAudioIdleTimeout = .milliseconds(300)
        try await GatewayHarness.with(simulatorConfiguration: simulator) { h in
            let connection = try await RealtimeTestClient.open(h, token: nil)
            var closed: WebSocketErrorCode?
            var events: [RealtimeTestClient.Event] = []
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                #expect(try await RealtimeTestClient.next(&iterator, closed: &closed)?.type == "session.created")
                try await outbound.write(RealtimeTestClient.append())
                // Then nothing: DashScope (the simulator, after 300 ms) fails the task.
                events = try await RealtimeTestClient.read(until: "error", &iterator, closed: &closed)
                try await outbound.write(.close(code: .normalClosure, reason: ""))
            }
            let error = try #require(events.last?.json["error"])
            #expect(error["type"]?.stringValue == "invalid_request_error")
            #expect(error["code"]?.stringValue == "CLIENT_ERROR")
            #expect(error["message"]?.stringValue == "request timeout after 0.3 seconds.")
            #expect(closed == nil, "the session stays open after a task failed")
        }
    }

    @Test func aPauseInTheAudioFinishesTheTaskBeforeDashScopeFailsIt() async throws {
        var simulator = SimulatorConfiguration.fastForTests
        simulator.liveAudioIdleTimeout = .seconds(3)
        try await GatewayHarness.with(simulatorConfiguration: simulator, configure: { $0.realtimeIdleFinish = .milliseconds(300) }) { h in
            let before = h.simulator.liveAudioLog()
            let connection = try await RealtimeTestClient.open(h, token: nil)
            var closed: WebSocketErrorCode?
            var events: [RealtimeTestClient.Event] = []
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                #expect(try await RealtimeTestClient.next(&iterator, closed: &closed)?.type == "session.created")
                for _ in 0..<30 { try await outbound.write(RealtimeTestClient.append()) }
                // Then a pause and no commit: the bridge finishes the task after 300 ms, long before the simulator's
                // 3 s no-audio failure.
                #expect(await LiveAudioClient.eventually(within: 20) { h.simulator.liveAudioLog().finishedTasks > before.finishedTasks })
                // More audio after the pause runs a second task on the same connection, committed as usual.
                events = try await streamAndCommit(h, frames: 30, &iterator, outbound, closed: &closed)
                try await outbound.write(.close(code: .normalClosure, reason: ""))
            }
            let log = h.simulator.liveAudioLog()
            #expect(log.finishedTasks - before.finishedTasks == 2)
            #expect(events.allSatisfy { $0.type != "error" }, "no task failed: \(events.filter { $0.type == "error" }.map(\.text))")
            #expect(!transcripts(events).isEmpty)
            #expect(closed == nil)
        }
    }

    // MARK: Scenarios

    /// Streams `frames` 100 ms appends, commits, and reads until every final sentence the simulator sent since has
    /// arrived as a `completed` event.
    private func streamAndCommit(
        _ h: GatewayHarness, frames: Int, _ iterator: inout Iterator, _ outbound: NIOAsyncChannelOutboundWriter<WebSocketOutbound>,
        closed: inout WebSocketErrorCode?
    ) async throws -> [RealtimeTestClient.Event] {
        let before = h.simulator.liveAudioLog()
        for _ in 0..<frames { try await outbound.write(RealtimeTestClient.append()) }
        try await outbound.write(RealtimeTestClient.commit)
        // Once DashScope (the simulator) took the finish-task, the number of final sentences it sent is known (it
        // counts them before sending); the audio may have ended between sentences, so nothing else marks the end.
        #expect(await LiveAudioClient.eventually(within: 20) { h.simulator.liveAudioLog().finishedTasks > before.finishedTasks })
        let finals = h.simulator.liveAudioLog().finals - before.finals
        var events: [RealtimeTestClient.Event] = []
        var completed = 0
        while completed < finals, let event = try await RealtimeTestClient.next(&iterator, closed: &closed) {
            events.append(event)
            if event.type == "conversation.item.input_audio_transcription.completed" { completed += 1 }
        }
        return events
    }

    /// Per item: the deltas joined and the completed transcript.
    private func transcripts(_ events: [RealtimeTestClient.Event]) -> [(deltas: String, transcript: String)] {
        events.filter { $0.type == "conversation.item.input_audio_transcription.completed" }.map { done in
            let item = done.json["item_id"]?.stringValue
            let deltas = events.filter {
                $0.type == "conversation.item.input_audio_transcription.delta" && $0.json["item_id"]?.stringValue == item
            }
            return (deltas.compactMap { $0.json["delta"]?.stringValue }.joined(), done.json["transcript"]?.stringValue ?? "")
        }
    }

    private func aGASessionGetsDeltasAndCompletedTranscripts(_ h: GatewayHarness) async throws {
        let before = h.simulator.liveAudioLog()
        let toClientBefore = try await LiveAudioTests.metric(h, #"funasr_gateway_live_messages_total{direction="to_client"}"#)
        let connection = try await RealtimeTestClient.open(h)
        var closed: WebSocketErrorCode?
        var events: [RealtimeTestClient.Event] = []
        var updated: RealtimeTestClient.Event?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            let created = try #require(try await RealtimeTestClient.next(&iterator, closed: &closed))
            #expect(created.type == "session.created")
            #expect(created.json["session"]?["type"]?.stringValue == "transcription")
            try await outbound.write(RealtimeTestClient.event(#"""
                {"type":"session.update","session":{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":{"model":"gpt-4o-transcribe","language":"en"},"turn_detection":null}}}}
                """#))
            updated = try await RealtimeTestClient.next(&iterator, closed: &closed)
            events = try await streamAndCommit(h, frames: 60, &iterator, outbound, closed: &closed)
            try await outbound.write(.close(code: .normalClosure, reason: ""))
        }
        #expect(updated?.type == "session.updated")
        #expect(updated?.json["session"]?["audio"]?["input"]?["transcription"]?["model"]?.stringValue == "fun-asr-realtime")
        #expect(updated?.json["session"]?["audio"]?["input"]?["turn_detection"] == .null)
        let items = transcripts(events)
        #expect(!items.isEmpty, "no completed transcript")
        #expect(items.allSatisfy { !$0.transcript.isEmpty && $0.deltas == $0.transcript })
        #expect(events.contains { $0.type == "conversation.item.added" })
        #expect(events.contains { $0.type == "input_audio_buffer.committed" })
        #expect(events.allSatisfy { $0.type != "error" })
        #expect(!events.contains { $0.text.contains(GatewayHarness.apiKey) || $0.text.contains(GatewayHarness.token) })
        // What DashScope got: the gateway's key, a run-task for Fun-ASR in English, every sample at 16 kHz, finish-task.
        let handshake = try #require(h.simulator.receivedRequests().last { $0.path == LiveAudioClient.path })
        #expect(handshake.headers["Authorization"] == "Bearer \(GatewayHarness.apiKey)")
        #expect(!handshake.headers.fields.contains { $0.value.contains(GatewayHarness.token) })
        #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().ended == before.ended + 1 })
        let log = h.simulator.liveAudioLog()
        #expect(log.audioBytes - before.audioBytes == 60 * LiveAudioClient.frameBytes)
        let texts = Array(log.texts.dropFirst(before.texts.count))
        #expect(texts.count == 2)
        let run = try #require(JSONValue.parse(Array((texts.first ?? "").utf8)))
        #expect(run["payload"]?["model"]?.stringValue == "fun-asr-realtime")
        #expect(run["payload"]?["parameters"]?["sample_rate"]?.intValue == 16000)
        #expect(run["payload"]?["parameters"]?["language_hints"] == .array([.string("en")]))
        #expect(texts.last?.contains("finish-task") == true)
        // Metrics: every event the client read was counted, and the session is no longer open.
        let toClient = try await LiveAudioTests.metric(h, #"funasr_gateway_live_messages_total{direction="to_client"}"#)
        #expect(toClient - toClientBefore >= Double(events.count + 2), "session.created, session.updated and the rest")
        let open = try await LiveAudioTests.openSessionsOnceSettled(h)
        #expect(open == 0)
    }

    private func aBetaSessionSpeaksTheBetaDialect(_ h: GatewayHarness) async throws {
        let connection = try await RealtimeTestClient.open(h, headers: [("OpenAI-Beta", "realtime=v1")])
        var closed: WebSocketErrorCode?
        var events: [RealtimeTestClient.Event] = []
        var updated: RealtimeTestClient.Event?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            #expect(try await RealtimeTestClient.next(&iterator, closed: &closed)?.type == "transcription_session.created")
            try await outbound.write(RealtimeTestClient.event(#"""
                {"type":"transcription_session.update","session":{"input_audio_format":"pcm16","input_audio_transcription":{"model":"fun-asr-realtime-2025-11-07"},"turn_detection":{"type":"server_vad","silence_duration_ms":700}}}
                """#))
            updated = try await RealtimeTestClient.next(&iterator, closed: &closed)
            events = try await streamAndCommit(h, frames: 40, &iterator, outbound, closed: &closed)
            try await outbound.write(.close(code: .normalClosure, reason: ""))
        }
        #expect(updated?.type == "transcription_session.updated")
        #expect(updated?.json["session"]?["input_audio_transcription"]?["model"]?.stringValue == "fun-asr-realtime-2025-11-07")
        #expect(!transcripts(events).isEmpty)
        #expect(events.contains { $0.type == "conversation.item.created" })
        let run = try #require(h.simulator.liveAudioLog().texts.last { $0.contains("run-task") })
        let json = try #require(JSONValue.parse(Array(run.utf8)))
        #expect(json["payload"]?["model"]?.stringValue == "fun-asr-realtime-2025-11-07")
        #expect(json["payload"]?["parameters"]?["max_sentence_silence"]?.intValue == 700)
    }

    private func theBrowserSubprotocolCarriesTheTokenWhichIsNeverEchoed(_ h: GatewayHarness) async throws {
        let offer = "realtime, openai-insecure-api-key.\(GatewayHarness.token), openai-beta.realtime-v1"
        let connection = try await RealtimeTestClient.open(h, token: nil, headers: [("Sec-WebSocket-Protocol", offer)])
        var closed: WebSocketErrorCode?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            #expect(try await RealtimeTestClient.next(&iterator, closed: &closed)?.type == "transcription_session.created")
            try await outbound.write(.close(code: .normalClosure, reason: ""))
        }
        let handshake = try #require(h.simulator.receivedRequests().last { $0.path == LiveAudioClient.path })
        #expect(!handshake.headers.fields.contains { $0.value.contains(GatewayHarness.token) })
    }

    private func aMissingOrWrongTokenIs401BeforeAnyUpgrade(_ h: GatewayHarness) async throws {
        let handshakes = h.simulator.receivedRequests().filter { $0.path == LiveAudioClient.path }.count
        for headers in [[], [("Authorization", "Bearer not-the-token")], [("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key.nope")]] {
            guard case .refused(let status) = try await RealtimeTestClient.dial(h, token: nil, headers: headers) else {
                Issue.record("upgraded with \(headers)")
                return
            }
            #expect(status == 401)
        }
        #expect(h.simulator.receivedRequests().filter { $0.path == LiveAudioClient.path }.count == handshakes)
    }

    private func aPlainGETOrAConversationIntentIs400InOpenAIShape(_ h: GatewayHarness) async throws {
        let bearer = [("Authorization", "Bearer \(GatewayHarness.token)")]
        let plain = try await h.request("GET", "/v1/realtime", headers: bearer)
        #expect(plain.status == 400)
        #expect(plain.error["type"] as? String == "invalid_request_error")
        #expect(plain.error["code"] as? String == "websocket_handshake_invalid")
        guard case .refused(let status) = try await RealtimeTestClient.dial(
            h, token: GatewayHarness.token, path: "/v1/realtime?intent=conversation") else {
            Issue.record("a conversation session was upgraded")
            return
        }
        #expect(status == 400)
    }

    private func badClientEventsGetErrorEventsAndTheSessionGoesOn(_ h: GatewayHarness) async throws {
        let connection = try await RealtimeTestClient.open(h)
        var closed: WebSocketErrorCode?
        var errors: [JSONValue] = []
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            _ = try await RealtimeTestClient.next(&iterator, closed: &closed)
            for bad in [
                #"{"type":"response.create","event_id":"evt_1"}"#, #"{"type":"input_audio_buffer.commit"}"#, "not json",
                #"{"type":"session.update","session":{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcmu"}}}}}"#,
            ] {
                try await outbound.write(RealtimeTestClient.event(bad))
                if let event = try await RealtimeTestClient.next(&iterator, closed: &closed), event.type == "error" {
                    errors.append(event.json["error"] ?? .null)
                }
            }
            try await outbound.write(RealtimeTestClient.event(#"{"type":"input_audio_buffer.clear"}"#))
            #expect(try await RealtimeTestClient.next(&iterator, closed: &closed)?.type == "input_audio_buffer.cleared")
            try await outbound.write(.close(code: .normalClosure, reason: ""))
        }
        #expect(errors.map { $0["code"]?.stringValue } == [
            "invalid_value", "input_audio_buffer_commit_empty", "invalid_json", "invalid_value",
        ])
        #expect(errors.first?["event_id"]?.stringValue == "evt_1")
        #expect(errors.allSatisfy { $0["type"]?.stringValue == "invalid_request_error" })
        #expect(closed == nil)
    }

    private func anUpstreamTaskFailedIsAnErrorEventAndTheNextAudioDialsAgain(_ h: GatewayHarness) async throws {
        h.simulator.inject(.liveTaskFailed(afterResults: 1, code: "InternalError", message: "simulated"), for: .liveAudio)
        let opened = h.simulator.liveAudioLog().opened
        let connection = try await RealtimeTestClient.open(h)
        var closed: WebSocketErrorCode?
        var failed: [RealtimeTestClient.Event] = []
        var after: [RealtimeTestClient.Event] = []
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            _ = try await RealtimeTestClient.next(&iterator, closed: &closed)
            for _ in 0..<30 { try await outbound.write(RealtimeTestClient.append()) }
            failed = try await RealtimeTestClient.read(until: "error", &iterator, closed: &closed)
            // The session goes on: the next audio runs on a new DashScope connection.
            after = try await streamAndCommit(h, frames: 40, &iterator, outbound, closed: &closed)
            try await outbound.write(.close(code: .normalClosure, reason: ""))
        }
        let error = try #require(failed.last?.json["error"])
        #expect(error["type"]?.stringValue == "server_error")
        #expect(error["code"]?.stringValue == "InternalError")
        #expect(error["message"]?.stringValue == "simulated")
        #expect(failed.contains { $0.type == "conversation.item.input_audio_transcription.failed" })
        #expect(!transcripts(after).isEmpty)
        #expect(h.simulator.liveAudioLog().opened == opened + 2)
        #expect(closed == nil)
    }

    private func aClientThatHangsUpHasItsUpstreamClosed(_ h: GatewayHarness) async throws {
        #expect(await LiveAudioClient.eventually { h.gateway.activeRequests == 0 })
        let before = h.simulator.liveAudioLog()
        let connection = try await RealtimeTestClient.open(h)
        var closed: WebSocketErrorCode?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            _ = try await RealtimeTestClient.next(&iterator, closed: &closed)
            for _ in 0..<5 { try await outbound.write(RealtimeTestClient.append()) }
            #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().audioBytes > before.audioBytes })
        }  // closes the TCP connection without a close frame
        #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().ended == before.ended + 1 })
        #expect(await LiveAudioClient.eventually { h.gateway.activeRequests == 0 })
    }

    private func aMessageOverTheLimitClosesWith1009(_ h: GatewayHarness) async throws {
        let before = h.simulator.liveAudioLog()
        let connection = try await RealtimeTestClient.open(h)
        var closed: WebSocketErrorCode?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            _ = try await RealtimeTestClient.next(&iterator, closed: &closed)
            try? await outbound.write(RealtimeTestClient.append(800_000))
            while try await RealtimeTestClient.next(&iterator, closed: &closed) != nil {}
        }
        #expect(closed == .messageTooLarge)
        #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().ended == before.ended + 1 })
        #expect(h.simulator.liveAudioLog().audioBytes == before.audioBytes)
    }

    private func anUpstreamThatRefusesTheKeyGivesAnErrorEventThenTheClose(_ h: GatewayHarness) async throws {
        h.simulator.inject(.unauthorized, for: .liveAudio)
        let connection = try await RealtimeTestClient.open(h)
        var closed: WebSocketErrorCode?
        var events: [RealtimeTestClient.Event] = []
        try await connection.executeThenClose { inbound, _ in
            var iterator = inbound.makeAsyncIterator()
            while let event = try await RealtimeTestClient.next(&iterator, closed: &closed) { events.append(event) }
        }
        #expect(events.map(\.type) == ["error"])
        #expect(events.first?.json["error"]?["code"]?.stringValue == "invalid_api_key")
        #expect(closed == .unexpectedServerError)
    }
}
