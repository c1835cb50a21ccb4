import JSON
import NIOCore
import NIOWebSocket
import WebSockets

/// One OpenAI Realtime transcription session carried by Fun-ASR's live-audio WebSocket (realtime-websocket.md B, C).
///
/// One consumer loop handles everything in order (client events, DashScope events, dials), so no state is shared:
/// audio is resampled to Fun-ASR's rate and sent in 100 ms frames once the task started (queued before); the first
/// audio after a commit (or at the start) runs a new task; `input_audio_buffer.commit` flushes the audio and
/// finishes the task, and so does a pause in the audio of `idleFinish` (a client that stops appending without a
/// commit would otherwise meet DashScope's 23 s no-audio failure); DashScope's results become items
/// (`RealtimeTranscriptMapper`). A `task-failed` becomes an
/// `error` and the next audio dials DashScope again; a refused dial ends the session with an `error`. The client
/// leaving (or vanishing) closes DashScope's side at once.
struct RealtimeBridge: Sendable {
    /// Dials DashScope with the gateway's key: the connection, or the error to show the client.
    let dial: @Sendable () async -> Result<WebSocketChannel, RealtimeError>
    /// The session as the handshake configured it.
    let config: RealtimeSessionConfig
    /// Counts the session's messages (client events in, server events out) with the other live sessions.
    let metrics: GatewayMetrics
    /// A task that got no audio for this long is finished, before DashScope fails it (23 s without audio).
    var idleFinish: Duration = RealtimeBridgeSession.defaultIdleFinish

    /// Runs the session on the upgraded client connection, whose DashScope side `first` already opened.
    func run(client: WebSocketChannel, first: WebSocketChannel) async {
        try? await client.executeThenClose { clientIn, clientOut in
            let inputs = RealtimeInputs()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await message in clientIn {
                            if case .message = message { metrics.liveMessagesRelayed(toUpstream: true) }
                            await inputs.send(.client(message))
                            if case .close = message { return }
                        }
                    } catch {}
                    await inputs.send(.client(nil))
                }
                var session = RealtimeBridgeSession(config: config, client: clientOut, metrics: metrics)
                session.idleFinish = idleFinish
                group.addTask { await Self.read(first, generation: 0, into: inputs) }
                group.addTask { [idleFinish] in
                    let interval = min(.seconds(1), idleFinish / 3)
                    while (try? await Task.sleep(for: interval)) != nil { await inputs.send(.tick) }
                }
                await session.announce()
                for await (input, handled) in inputs.stream {
                    let wantsDial = await session.handle(input)
                    handled.resume()
                    if session.ended { break }
                    if let generation = wantsDial {
                        group.addTask {
                            switch await dial() {
                            case .success(let connection): await Self.read(connection, generation: generation, into: inputs)
                            case .failure(let error): await inputs.send(.upstreamRefused(generation: generation, error))
                            }
                        }
                    }
                }
                await session.closeUpstream()
                group.cancelAll()
                await inputs.finish()
            }
        }
    }

    /// Owns one DashScope connection: announces its writer, forwards what it reads, then its end.
    private static func read(_ connection: WebSocketChannel, generation: Int, into inputs: RealtimeInputs) async {
        try? await connection.executeThenClose { upstreamIn, upstreamOut in
            await inputs.send(.upstreamOpened(generation: generation, writer: upstreamOut))
            do {
                for try await message in upstreamIn {
                    await inputs.send(.upstream(generation: generation, message))
                    if case .close = message { return }
                }
            } catch {}
            await inputs.send(.upstream(generation: generation, nil))
        }
    }
}
