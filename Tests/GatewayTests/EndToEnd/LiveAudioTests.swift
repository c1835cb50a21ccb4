import DashScopeSimulator
import Foundation
import NIOCore
import NIOWebSocket
import Testing
import WebSockets

/// `/api-ws/v1/inference` end to end: a WebSocket client, the real gateway (libmicrohttpd's upgrade handed to NIO),
/// and the simulator's live-audio endpoint, all on real sockets. The scenarios share one harness and run one after
/// the other (each harness is two servers: on this 2-core machine a harness per scenario, started in the suite's
/// opening burst, starved the rest of the suite).
// The limit only guards against a hang: the shared-harness test runs ten scenarios in turn, 8-12 s on a quiet machine
// but 47-91 s while the rest of the suite runs beside two busy loops (as on a loaded CI host).
@Suite(.serialized, .timeLimit(.minutes(3))) struct LiveAudioTests {
    static let bearer = [("Authorization", "Bearer \(GatewayHarness.token)")]

    @Test func sessionsAndFaults() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            try await aSessionStreamsAudioIn100msFramesAndGetsSentences(h)
            try await aSecondTaskOnTheSameConnectionWorks(h)
            try await aTrailingSlashUpgradesToo(h)
            try await aMissingOrWrongLocalTokenIs401BeforeAnyUpgrade(h)
            try await aRequestThatIsNotAWebSocketHandshakeIs400InTheLocalShape(h)
            try await anUpstreamTaskFailedIsRelayedAndTheCloseFollows(h)
            try await anUpstreamThatVanishesMidTaskGivesTheClient1011(h)
            try await aClientThatVanishesHasItsUpstreamClosed(h)
            try await aMessageOverTheLimitClosesWith1009AndEndsTheUpstream(h)
            for fault in [SimulatorFault.unauthorized, .forbidden] {
                try await anUpstreamThatRefusesTheKeyIs502BeforeUpgrading(h, fault: fault)
            }
        }
    }

    @Test func shutdownPastTheDrainDeadlineClosesAnOpenSession() async throws {
        let harness = try GatewayHarness()
        let connection = try await LiveAudioClient.open(harness)
        var closed: WebSocketErrorCode?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            try await outbound.write(LiveAudioClient.runTask("t6"))
            #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
            // The gateway drains (2 s in the harness), then closes the session; the client sees the end.
            async let stopped: Void = harness.gateway.shutdown()
            while try await LiveAudioClient.next(&iterator, closed: &closed) != nil {}
            await stopped
        }
        #expect(harness.gateway.activeRequests == 0)
        #expect(await LiveAudioClient.eventually { harness.simulator.liveAudioLog().ended == 1 })
        await harness.simulatorServer.shutdown()
    }

    // MARK: Scenarios (each leaves no session open behind it)

    private func aSessionStreamsAudioIn100msFramesAndGetsSentences(_ h: GatewayHarness) async throws {
        let before = h.simulator.liveAudioLog()
        let toUpstreamBefore = try await Self.metric(h, #"funasr_gateway_live_messages_total{direction="to_upstream"}"#)
        let toClientBefore = try await Self.metric(h, #"funasr_gateway_live_messages_total{direction="to_client"}"#)
        let connection = try await LiveAudioClient.open(h, token: GatewayHarness.token)
        let taskID = "5ff13010695f4700a78fb4760a0db92a"
        var events: [LiveAudioClient.Event] = []
        var closed: WebSocketErrorCode?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            try await outbound.write(LiveAudioClient.runTask(taskID))
            let started = try #require(try await LiveAudioClient.next(&iterator, closed: &closed))
            #expect(started.name == "task-started")
            #expect(try await Self.metric(h, "funasr_gateway_live_sessions") == 1, "the open session is counted")
            // 6 s of audio in 100 ms frames, then finish-task.
            for _ in 0..<60 { try await outbound.write(LiveAudioClient.audio()) }
            try await outbound.write(LiveAudioClient.finishTask(taskID))
            while let event = try await LiveAudioClient.next(&iterator, closed: &closed) {
                events.append(event)
                if event.name == "task-finished" { break }
            }
            try await outbound.write(.close(code: .normalClosure, reason: ""))
        }
        #expect(events.last?.name == "task-finished")
        let results = events.filter { $0.name == "result-generated" }
        let finals = results.filter { $0.json["payload"]?["output"]?["sentence"]?["sentence_end"]?.boolValue == true }
        #expect(!finals.isEmpty, "no final sentence")
        #expect(finals.allSatisfy { !($0.json["payload"]?["output"]?["sentence"]?["text"]?.stringValue ?? "").isEmpty })
        #expect(events.allSatisfy { $0.json["header"]?["task_id"]?.stringValue == taskID })
        // What DashScope got: the gateway's key (never the local token), the commands and every audio byte.
        let handshake = try #require(h.simulator.receivedRequests().last { $0.path == LiveAudioClient.path })
        #expect(handshake.headers["Authorization"] == "Bearer \(GatewayHarness.apiKey)")
        #expect(handshake.headers["User-Agent"] == "live-audio-test")
        #expect(!handshake.headers.fields.contains { $0.value.contains(GatewayHarness.token) })
        #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().ended == before.ended + 1 })
        let log = h.simulator.liveAudioLog()
        #expect(log.audioBytes - before.audioBytes == 60 * LiveAudioClient.frameBytes)
        let texts = log.texts.dropFirst(before.texts.count)
        #expect(texts.count == 2 && texts.first?.contains("run-task") == true && texts.last?.contains("finish-task") == true)
        #expect(!events.contains { $0.text.contains(GatewayHarness.apiKey) })
        // Metrics: the session is gone; run-task, 60 frames and finish-task went up, every event came down.
        let open = try await Self.openSessionsOnceSettled(h)
        #expect(open == 0, "the ended session is no longer counted")
        let toUpstream = try await Self.metric(h, #"funasr_gateway_live_messages_total{direction="to_upstream"}"#)
        let toClient = try await Self.metric(h, #"funasr_gateway_live_messages_total{direction="to_client"}"#)
        #expect(toUpstream - toUpstreamBefore == 62)
        #expect(toClient - toClientBefore >= Double(events.count + 1), "task-started and every later event")
    }

    /// `funasr_gateway_live_sessions` once it reads 0, or its value after 5 s (a session ends just after its close).
    static func openSessionsOnceSettled(_ h: GatewayHarness) async throws -> Double {
        var open = try await metric(h, "funasr_gateway_live_sessions")
        let deadline = ContinuousClock.now + .seconds(5)
        while open != 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            open = try await metric(h, "funasr_gateway_live_sessions")
        }
        return open
    }

    /// One sample's value from `GET /metrics` (0 when the series is not there yet).
    static func metric(_ h: GatewayHarness, _ series: String) async throws -> Double {
        let text = try await h.request("GET", "/metrics", headers: bearer).text
        let line = text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    private func aSecondTaskOnTheSameConnectionWorks(_ h: GatewayHarness) async throws {
        let connection = try await LiveAudioClient.open(h, token: GatewayHarness.token)
        var closed: WebSocketErrorCode?
        var finished = 0
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            // The SDK reuses one task id for every start(): the same id twice.
            for _ in 0..<2 {
                try await outbound.write(LiveAudioClient.runTask("same-id"))
                #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
                for _ in 0..<10 { try await outbound.write(LiveAudioClient.audio()) }
                try await outbound.write(LiveAudioClient.finishTask("same-id"))
                while let event = try await LiveAudioClient.next(&iterator, closed: &closed) {
                    if event.name == "task-finished" {
                        finished += 1
                        break
                    }
                }
            }
            // One request in flight: libmicrohttpd completes an upgraded request only when the socket closes.
            #expect(h.gateway.activeRequests == 1)
            try await outbound.write(.close(code: .normalClosure, reason: ""))
        }
        #expect(finished == 2)
        #expect(closed == nil)
    }

    private func aTrailingSlashUpgradesToo(_ h: GatewayHarness) async throws {
        let connection = try await LiveAudioClient.open(h, token: GatewayHarness.token, path: LiveAudioClient.path + "/")
        var closed: WebSocketErrorCode?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            try await outbound.write(LiveAudioClient.runTask("t1"))
            #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
            try await outbound.write(.close(code: .normalClosure, reason: ""))
        }
    }

    private func aMissingOrWrongLocalTokenIs401BeforeAnyUpgrade(_ h: GatewayHarness) async throws {
        let handshakes = h.simulator.receivedRequests().filter { $0.path.hasPrefix(LiveAudioClient.path) }.count
        for token in [nil, "not-the-token"] {
            guard case .refused(let status) = try await LiveAudioClient.dial(h, token: token) else {
                Issue.record("upgraded with token \(token ?? "none")")
                return
            }
            #expect(status == 401)
        }
        #expect(h.simulator.receivedRequests().filter { $0.path.hasPrefix(LiveAudioClient.path) }.count == handshakes)
    }

    private func aRequestThatIsNotAWebSocketHandshakeIs400InTheLocalShape(_ h: GatewayHarness) async throws {
        let handshakes = h.simulator.receivedRequests().filter { $0.path.hasPrefix(LiveAudioClient.path) }.count
        let response = try await h.request("GET", LiveAudioClient.path, headers: Self.bearer)
        #expect(response.status == 400)
        #expect(response.error["code"] as? String == "websocket_handshake_invalid")
        #expect(response.header("X-Request-Id") != nil)
        #expect(h.simulator.receivedRequests().filter { $0.path.hasPrefix(LiveAudioClient.path) }.count == handshakes)
    }

    private func anUpstreamTaskFailedIsRelayedAndTheCloseFollows(_ h: GatewayHarness) async throws {
        h.simulator.inject(.liveTaskFailed(afterResults: 1, code: "InternalError", message: "simulated"), for: .liveAudio)
        let connection = try await LiveAudioClient.open(h, token: GatewayHarness.token)
        var closed: WebSocketErrorCode?
        var failed: LiveAudioClient.Event?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            try await outbound.write(LiveAudioClient.runTask("t2"))
            #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
            // Enough audio for a first word; the writes may fail once the session is over.
            for _ in 0..<30 { try? await outbound.write(LiveAudioClient.audio()) }
            while let event = try await LiveAudioClient.next(&iterator, closed: &closed) {
                if event.name == "task-failed" { failed = event }
            }
        }
        #expect(failed?.json["header"]?["error_code"]?.stringValue == "InternalError")
        #expect(failed?.json["header"]?["error_message"]?.stringValue == "simulated")
        #expect(closed == .normalClosure)
    }

    private func anUpstreamThatVanishesMidTaskGivesTheClient1011(_ h: GatewayHarness) async throws {
        h.simulator.inject(.liveAbruptClose(afterResults: 1), for: .liveAudio)
        let connection = try await LiveAudioClient.open(h, token: GatewayHarness.token)
        var closed: WebSocketErrorCode?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            try await outbound.write(LiveAudioClient.runTask("t3"))
            #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
            for _ in 0..<30 { try? await outbound.write(LiveAudioClient.audio()) }
            while try await LiveAudioClient.next(&iterator, closed: &closed) != nil {}
        }
        #expect(closed == .unexpectedServerError)
    }

    private func aClientThatVanishesHasItsUpstreamClosed(_ h: GatewayHarness) async throws {
        #expect(await LiveAudioClient.eventually { h.gateway.activeRequests == 0 })
        let ended = h.simulator.liveAudioLog().ended
        let connection = try await LiveAudioClient.open(h, token: GatewayHarness.token)
        var closed: WebSocketErrorCode?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            try await outbound.write(LiveAudioClient.runTask("t4"))
            #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
            try await outbound.write(LiveAudioClient.audio())
        }  // closes the TCP connection without a close frame
        #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().ended == ended + 1 })
        #expect(await LiveAudioClient.eventually { h.gateway.activeRequests == 0 })
    }

    private func aMessageOverTheLimitClosesWith1009AndEndsTheUpstream(_ h: GatewayHarness) async throws {
        let before = h.simulator.liveAudioLog()
        let connection = try await LiveAudioClient.open(h, token: GatewayHarness.token)
        var closed: WebSocketErrorCode?
        try await connection.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            try await outbound.write(LiveAudioClient.runTask("t5"))
            #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
            try? await outbound.write(LiveAudioClient.audio((1 << 20) + 1))
            while try await LiveAudioClient.next(&iterator, closed: &closed) != nil {}
        }
        #expect(closed == .messageTooLarge)
        #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().ended == before.ended + 1 })
        #expect(h.simulator.liveAudioLog().audioBytes == before.audioBytes)
    }

    private func anUpstreamThatRefusesTheKeyIs502BeforeUpgrading(_ h: GatewayHarness, fault: SimulatorFault) async throws {
        h.simulator.inject(fault, for: .liveAudio)
        guard case .refused(let status) = try await LiveAudioClient.dial(h, token: GatewayHarness.token) else {
            Issue.record("upgraded although DashScope refused")
            return
        }
        #expect(status == 502)
        #expect(h.logs.text.contains("route=live_audio status=502"))
    }
}
