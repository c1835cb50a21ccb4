import JSON

/// Turns Fun-ASR's live results into OpenAI Realtime transcription events (realtime-websocket.md C): one Fun-ASR
/// sentence is one user item; its first partial starts speech, a partial that extends the text already sent gives
/// a `delta` (a revision gives none), and the final gives `speech_stopped`, `committed`, the item event and
/// `completed` with the whole text and the seconds DashScope billed for it. Pure.
struct RealtimeTranscriptMapper: Sendable {
    /// The session's event builder (ids).
    var events: RealtimeServerEvents
    /// The client's dialect (which item event it expects).
    var dialect: RealtimeSessionConfig.Dialect
    /// The sentence in progress: its Fun-ASR id, item id and the text sent as deltas so far.
    private var open: (sentenceID: Int, itemID: String, sent: String)?
    private var previousItemID: String?
    private var billedSeconds = 0
    /// Items completed since the current task started.
    private(set) var itemsThisTask = 0

    /// A mapper writing events with `events`' ids.
    init(events: RealtimeServerEvents, dialect: RealtimeSessionConfig.Dialect) {
        self.events = events
        self.dialect = dialect
    }

    /// A new Fun-ASR task began: its usage and sentence ids start over.
    mutating func taskStarted() {
        billedSeconds = 0
        itemsThisTask = 0
        open = nil
    }

    /// The events for one `result-generated` payload.
    mutating func result(_ payload: JSONValue) -> [JSONValue] {
        guard let sentence = payload["output"]?["sentence"], sentence["heartbeat"]?.boolValue != true else { return [] }
        let sentenceID = sentence["sentence_id"]?.intValue ?? 0
        let text = sentence["text"]?.stringValue ?? ""
        var out: [JSONValue] = []
        if open?.sentenceID != sentenceID {
            let itemID = events.newItemID()
            open = (sentenceID, itemID, "")
            out.append(events.speechStarted(itemID: itemID, audioStartMs: sentence["begin_time"]?.intValue ?? 0))
        }
        guard var current = open else { return out }
        if text.count > current.sent.count, text.hasPrefix(current.sent) {
            out.append(events.delta(itemID: current.itemID, text: String(text.dropFirst(current.sent.count))))
            current.sent = text
            open = current
        }
        let isFinal = sentence["sentence_end"]?.boolValue == true || sentence["end_time"]?.intValue != nil
        guard isFinal else { return out }
        var seconds = 0.0
        if let total = payload["usage"]?["duration"]?.intValue {
            seconds = Double(max(0, total - billedSeconds))
            billedSeconds = total
        }
        out.append(events.speechStopped(itemID: current.itemID, audioEndMs: sentence["end_time"]?.intValue ?? 0))
        out += completeItem(current.itemID, transcript: text, seconds: seconds)
        open = nil
        return out
    }

    /// A commit whose task ended without any sentence: one empty item, so a client waiting for its turn gets one.
    mutating func emptyCommit() -> [JSONValue] {
        completeItem(events.newItemID(), transcript: "", seconds: 0)
    }

    /// DashScope's `task-failed`: the open item fails, then an `error` event.
    mutating func taskFailed(_ error: RealtimeError) -> [JSONValue] {
        var out: [JSONValue] = []
        if let current = open { out.append(events.failed(itemID: current.itemID, error: error)) }
        open = nil
        out.append(events.error(error))
        return out
    }

    private mutating func completeItem(_ itemID: String, transcript: String, seconds: Double) -> [JSONValue] {
        let out = [
            events.committed(itemID: itemID, previousItemID: previousItemID),
            events.itemCreated(itemID: itemID, previousItemID: previousItemID, dialect: dialect),
            events.completed(itemID: itemID, transcript: transcript, seconds: seconds),
        ]
        previousItemID = itemID
        itemsThisTask += 1
        return out
    }
}
