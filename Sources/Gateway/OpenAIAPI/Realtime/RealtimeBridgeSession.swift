import JSON
import NIOCore
import NIOWebSocket
import WebSockets

/// The state of one Realtime bridge session and what each input does to both sockets; driven by
/// `RealtimeBridge`'s consumer loop, one input at a time.
struct RealtimeBridgeSession {
    /// A Fun-ASR task on the current DashScope connection.
    private enum TaskState {
        case idle
        case starting(String)
        case running(String)
        case finishing(String)
    }

    private var config: RealtimeSessionConfig
    private let client: NIOAsyncChannelOutboundWriter<WebSocketOutbound>
    private let metrics: GatewayMetrics
    private var mapper: RealtimeTranscriptMapper
    private var resampler: PCMResampler
    /// The open DashScope connection's writer; nil before it opened and after it ended.
    private var upstream: NIOAsyncChannelOutboundWriter<WebSocketOutbound>?
    /// The connection that counts (inputs of older ones are ignored) and whether it is being dialled.
    private var generation = 0
    private var dialing = true
    private var task = TaskState.idle
    /// Audio at Fun-ASR's rate not yet sent.
    private var audio: [UInt8] = []
    /// A commit waits for its task to start; `committed` marks a task being finished by a commit.
    private var commitPending = false
    private var committed = false
    /// Client audio bytes (24 kHz PCM16) since the last commit or clear.
    private var bytesSinceCommit = 0
    /// How the session ends for DashScope's side (1000 when the client closed, 1001 when it vanished).
    private var upstreamCloseCode = WebSocketErrorCode.normalClosure
    /// True once the session is over.
    private(set) var ended = false

    /// The least a commit takes: 100 ms of 24 kHz PCM16.
    static let minimumCommitBytes = 4800
    /// How long a running task may go without audio before the bridge finishes it: well before DashScope's 23 s.
    static let defaultIdleFinish: Duration = .seconds(15)
    /// A running task idle this long is finished (its sentences still arrive as items; the next audio starts anew).
    var idleFinish = Self.defaultIdleFinish
    /// When the client last appended audio.
    private var lastAudio = ContinuousClock.now

    /// A session writing its events to `client`, counted in `metrics`.
    init(config: RealtimeSessionConfig, client: NIOAsyncChannelOutboundWriter<WebSocketOutbound>, metrics: GatewayMetrics) {
        self.config = config
        self.client = client
        self.metrics = metrics
        self.mapper = RealtimeTranscriptMapper(events: RealtimeServerEvents(prefix: String(config.id.dropFirst(5)) + "_"), dialect: config.dialect)
        self.resampler = PCMResampler(from: 24000, to: config.upstreamSampleRate)
    }

    /// Sends `session.created` / `transcription_session.created`.
    mutating func announce() async {
        await send(mapper.events.session(config, updated: false))
    }

    /// Handles one input; returns the generation of a DashScope connection to dial, if one is needed.
    mutating func handle(_ input: RealtimeInput) async -> Int? {
        switch input {
        case .client(.some(.message(.text(let text)))):
            return await handle(RealtimeClientEvent(text.readableBytesView))
        case .client(.some(.message(.binary))):
            await send(mapper.events.error(.invalidRequest(
                "invalid_value", "binary messages are not part of the Realtime protocol: send input_audio_buffer.append")))
        case .client(.some(.close)):
            ended = true
        case .client(.none):
            upstreamCloseCode = .goingAway
            ended = true
        case .upstreamOpened(let number, let writer):
            guard number == generation else { return nil }
            upstream = writer
            dialing = false
            if !audio.isEmpty || commitPending { return await ensureTask() }
        case .upstreamRefused(let number, let error):
            guard number == generation else { return nil }
            dialing = false
            await send(mapper.events.error(error))
            try? await client.write(.close(code: .unexpectedServerError, reason: "DashScope refused the session"))
            ended = true
        case .upstream(let number, let message):
            guard number == generation else { return nil }
            if case .some(.message(.text(let text))) = message {
                if let event = FunASRTaskCommands.Event(text.readableBytesView) { return await handle(event) }
            } else if case .some(.message(.binary)) = message {
                return nil
            } else {
                await upstreamEnded()
            }
        case .tick:
            // Not a commit: no commit events, and audio appended later (even before a commit) runs a new task.
            if case .running = task, ContinuousClock.now - lastAudio >= idleFinish {
                await finishTask()
                committed = false
            }
        }
        return nil
    }

    /// Closes DashScope's side (the session is over).
    func closeUpstream() async {
        try? await upstream?.write(.close(code: upstreamCloseCode, reason: ""))
    }

    // MARK: Client events

    private mutating func handle(_ event: RealtimeClientEvent) async -> Int? {
        switch event {
        case .sessionUpdate(let session), .transcriptionSessionUpdate(let session):
            let dialect: RealtimeSessionConfig.Dialect = if case .sessionUpdate = event { .ga } else { .beta }
            config.dialect = dialect
            mapper.dialect = dialect
            if let problem = config.apply(session) {
                await send(mapper.events.error(.invalidRequest("invalid_value", problem.message, param: problem.param)))
            } else {
                if case .idle = task, audio.isEmpty, resampler.outputRate != config.upstreamSampleRate {
                    resampler = PCMResampler(from: 24000, to: config.upstreamSampleRate)
                }
                await send(mapper.events.session(config, updated: true))
            }
        case .append(let bytes):
            lastAudio = .now
            bytesSinceCommit += bytes.count
            audio += resampler.resample(bytes)
            if case .running = task { await sendFrames() }
            return await ensureTask()
        case .commit:
            guard bytesSinceCommit >= Self.minimumCommitBytes else {
                let milliseconds = bytesSinceCommit / 48
                await send(mapper.events.error(.invalidRequest(
                    "input_audio_buffer_commit_empty",
                    "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has \(milliseconds)ms of audio.")))
                return nil
            }
            bytesSinceCommit = 0
            commitPending = true
            if case .running = task { await finishTask() }
            return await ensureTask()
        case .clear:
            audio = []
            bytesSinceCommit = 0
            resampler = PCMResampler(from: 24000, to: config.upstreamSampleRate)
            await send(mapper.events.cleared())
        case .invalid(_, let eventID, let code, let message, let param):
            await send(mapper.events.error(.invalidRequest(code, message, param: param, eventID: eventID)))
        }
        return nil
    }

    // MARK: DashScope events

    private mutating func handle(_ event: FunASRTaskCommands.Event) async -> Int? {
        switch event.name {
        case "task-started":
            guard case .starting(let taskID) = task else { return nil }
            task = .running(taskID)
            mapper.taskStarted()
            await sendFrames()
            if commitPending { await finishTask() }
        case "result-generated":
            for message in mapper.result(event.payload) { await send(message) }
        case "task-finished":
            if committed, mapper.itemsThisTask == 0 {
                for message in mapper.emptyCommit() { await send(message) }
            }
            committed = false
            task = .idle
            if !audio.isEmpty || commitPending { return await ensureTask() }
        case "task-failed":
            let error = RealtimeError.taskFailed(code: event.errorCode, message: event.errorMessage)
            for message in mapper.taskFailed(error) { await send(message) }
            // DashScope closes the connection after a failure: the next audio dials again.
            try? await upstream?.write(.close(code: .normalClosure, reason: ""))
            forgetUpstream()
        default:
            break
        }
        return nil
    }

    /// DashScope's connection ended (closed or vanished): a task in flight fails.
    private mutating func upstreamEnded() async {
        if case .idle = task {} else {
            let error = RealtimeError(
                type: "server_error", code: "upstream_closed",
                message: "DashScope closed the live-audio connection during the transcription")
            for message in mapper.taskFailed(error) { await send(message) }
        }
        forgetUpstream()
    }

    private mutating func forgetUpstream() {
        upstream = nil
        task = .idle
        audio = []
        commitPending = false
        committed = false
    }

    // MARK: Tasks and audio

    /// Starts a task when there is audio (or a commit) and none runs: on the open connection, or asks for a dial.
    private mutating func ensureTask() async -> Int? {
        guard case .idle = task, !audio.isEmpty || commitPending else { return nil }
        guard let upstream else {
            guard !dialing else { return nil }
            dialing = true
            generation += 1
            return generation
        }
        let taskID = FunASRTaskCommands.newTaskID()
        task = .starting(taskID)
        try? await upstream.write(.message(.text(ByteBuffer(bytes: FunASRTaskCommands.runTask(taskID: taskID, config: config)))))
        return nil
    }

    /// Sends the queued audio in 100 ms frames (a shorter rest stays queued).
    private mutating func sendFrames() async {
        guard let upstream else { return }
        let frame = config.upstreamSampleRate / 10 * 2
        var offset = 0
        while audio.count - offset >= frame {
            try? await upstream.write(.message(.binary(ByteBuffer(bytes: audio[offset..<offset + frame]))))
            offset += frame
        }
        audio.removeFirst(offset)
    }

    /// Sends the rest of the audio and `finish-task` for the running task.
    private mutating func finishTask() async {
        guard case .running(let taskID) = task, let upstream else { return }
        await sendFrames()
        if !audio.isEmpty {
            try? await upstream.write(.message(.binary(ByteBuffer(bytes: audio))))
            audio = []
        }
        try? await upstream.write(.message(.text(ByteBuffer(bytes: FunASRTaskCommands.finishTask(taskID: taskID)))))
        task = .finishing(taskID)
        commitPending = false
        committed = true
    }

    private mutating func send(_ event: JSONValue) async {
        do {
            try await client.write(.message(.text(ByteBuffer(bytes: event.serialized()))))
            metrics.liveMessagesRelayed(toUpstream: false)
        } catch {
            ended = true
        }
    }
}
