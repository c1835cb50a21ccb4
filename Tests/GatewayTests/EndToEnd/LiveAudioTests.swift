import DashScopeSimulator
import Foundation
import NIOCore
import NIOWebSocket
import Testing
import WebSockets

/// `/api-ws/v1/inference` end to end: a WebSocket client, the real gateway (libmicrohttpd's upgrade handed to NIO),
/// and the simulator's live-audio endpoint, all on real sockets.
@Suite(.timeLimit(.minutes(1))) struct LiveAudioTests {
    static let bearer = [("Authorization", "Bearer \(GatewayHarness.token)")]

    @Test func aSessionStreamsAudioIn100msFramesAndGetsSentences() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let connection = try await LiveAudioClient.open(h, token: GatewayHarness.token)
            let taskID = "5ff13010695f4700a78fb4760a0db92a"
            var events: [LiveAudioClient.Event] = []
            var closed: WebSocketErrorCode?
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                try await outbound.write(LiveAudioClient.runTask(taskID))
                let started = try #require(try await LiveAudioClient.next(&iterator, closed: &closed))
                #expect(started.name == "task-started")
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
            let handshake = try #require(h.simulator.receivedRequests().first { $0.path == LiveAudioClient.path })
            #expect(handshake.headers["Authorization"] == "Bearer \(GatewayHarness.apiKey)")
            #expect(handshake.headers["User-Agent"] == "live-audio-test")
            #expect(!handshake.headers.fields.contains { $0.value.contains(GatewayHarness.token) })
            #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().ended == 1 })
            let log = h.simulator.liveAudioLog()
            #expect(log.audioBytes == 60 * LiveAudioClient.frameBytes)
            #expect(log.texts.count == 2 && log.texts[0].contains("run-task") && log.texts[1].contains("finish-task"))
            #expect(!events.contains { $0.text.contains(GatewayHarness.apiKey) })
        }
    }

    @Test func aTrailingSlashUpgradesToo() async throws {
        try await GatewayHarness.with { h in
            let connection = try await LiveAudioClient.open(h, path: LiveAudioClient.path + "/")
            var closed: WebSocketErrorCode?
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                try await outbound.write(LiveAudioClient.runTask("t1"))
                #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
                try await outbound.write(.close(code: .normalClosure, reason: ""))
            }
        }
    }

    @Test func anUpstreamTaskFailedIsRelayedAndTheCloseFollows() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.liveTaskFailed(afterResults: 1, code: "InternalError", message: "simulated"), for: .liveAudio)
            let connection = try await LiveAudioClient.open(h)
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
    }

    @Test func anUpstreamThatVanishesMidTaskGivesTheClient1011() async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(.liveAbruptClose(afterResults: 1), for: .liveAudio)
            let connection = try await LiveAudioClient.open(h)
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
    }

    @Test func aClientThatVanishesHasItsUpstreamClosed() async throws {
        try await GatewayHarness.with { h in
            let connection = try await LiveAudioClient.open(h)
            var closed: WebSocketErrorCode?
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                try await outbound.write(LiveAudioClient.runTask("t4"))
                #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
                try await outbound.write(LiveAudioClient.audio())
            }  // closes the TCP connection without a close frame
            #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().ended == 1 })
            #expect(await LiveAudioClient.eventually { h.gateway.activeRequests == 0 })
        }
    }

    @Test func aMessageOverTheLimitClosesWith1009AndEndsTheUpstream() async throws {
        try await GatewayHarness.with { h in
            let connection = try await LiveAudioClient.open(h)
            var closed: WebSocketErrorCode?
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                try await outbound.write(LiveAudioClient.runTask("t5"))
                #expect(try await LiveAudioClient.next(&iterator, closed: &closed)?.name == "task-started")
                try? await outbound.write(LiveAudioClient.audio((1 << 20) + 1))
                while try await LiveAudioClient.next(&iterator, closed: &closed) != nil {}
            }
            #expect(closed == .messageTooLarge)
            #expect(await LiveAudioClient.eventually { h.simulator.liveAudioLog().ended == 1 })
            #expect(h.simulator.liveAudioLog().audioBytes == 0)
        }
    }

    @Test func aMissingLocalTokenIs401BeforeAnyUpgrade() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            guard case .refused(let status) = try await LiveAudioClient.dial(h) else {
                Issue.record("upgraded without a token")
                return
            }
            #expect(status == 401)
            guard case .refused(let wrong) = try await LiveAudioClient.dial(h, token: "not-the-token") else {
                Issue.record("upgraded with a wrong token")
                return
            }
            #expect(wrong == 401)
            #expect(!h.simulator.receivedRequests().contains { $0.path.hasPrefix(LiveAudioClient.path) })
        }
    }

    @Test func aRequestThatIsNotAWebSocketHandshakeIs400InTheLocalShape() async throws {
        try await GatewayHarness.with(configure: { $0.tokens = [GatewayHarness.token] }) { h in
            let response = try await h.request("GET", LiveAudioClient.path, headers: Self.bearer)
            #expect(response.status == 400)
            #expect(response.error["code"] as? String == "websocket_handshake_invalid")
            #expect(response.header("X-Request-Id") != nil)
            #expect(!h.simulator.receivedRequests().contains { $0.path.hasPrefix(LiveAudioClient.path) })
        }
    }

    @Test(arguments: [SimulatorFault.unauthorized, SimulatorFault.forbidden])
    func anUpstreamThatRefusesTheKeyIs502BeforeUpgrading(fault: SimulatorFault) async throws {
        try await GatewayHarness.with { h in
            h.simulator.inject(fault, for: .liveAudio)
            guard case .refused(let status) = try await LiveAudioClient.dial(h) else {
                Issue.record("upgraded although DashScope refused")
                return
            }
            #expect(status == 502)
            #expect(h.logs.text.contains("route=live_audio"))
        }
    }
}
