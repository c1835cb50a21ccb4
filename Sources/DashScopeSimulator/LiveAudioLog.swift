/// What the simulator's live-audio endpoint received, for tests to assert on.
public struct LiveAudioLog: Sendable {
    /// Every text message received (run-task, finish-task, ...), in order, over all connections.
    public var texts: [String] = []
    /// Binary (audio) bytes received over all connections.
    public var audioBytes = 0
    /// Connections opened (sessions started).
    public var opened = 0
    /// Final sentences sent (`sentence_end: true`), counted before each is sent.
    public var finals = 0
    /// Tasks finished by `finish-task`, counted before its last sentence and `task-finished` are sent (so a client
    /// that read a final can tell whether more are coming).
    public var finishedTasks = 0
    /// Connections whose session has ended (the client closed, vanished, or the simulator closed).
    public var ended = 0
}
