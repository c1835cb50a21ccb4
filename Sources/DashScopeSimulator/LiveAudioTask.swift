/// One live-audio task of the simulator: synthetic sentences released as the audio that would hold them arrives
/// (16 kHz 16-bit mono PCM: 32 bytes a millisecond). Pure: audio in, event texts out.
struct LiveAudioTask: Sendable {
    /// The client's task id, echoed in every event.
    let taskID: String
    private var transcript: SyntheticTranscript
    private var audioBytes = 0
    private var nextSentence = 0
    private var shownWords = 0

    /// A task whose sentences are seeded by its id; more are drawn as the audio goes on.
    init(taskID: String) {
        self.taskID = taskID
        self.transcript = Self.batch(taskID: taskID, index: 0, after: nil)
    }

    /// Eight more sentences, numbered and timed after `previous` (the corpus is cheap per sentence, not free).
    private static func batch(taskID: String, index: Int, after previous: SyntheticTranscript.Sentence?) -> SyntheticTranscript {
        var next = SyntheticTranscript(seed: "live:\(taskID):\(index)", sentenceCount: 8...8)
        let shift = previous.map { $0.endTime + 600 } ?? 0
        let firstID = (previous?.id ?? 0) + 1
        for i in next.sentences.indices {
            next.sentences[i].id = firstID + i
            next.sentences[i].beginTime += shift
            next.sentences[i].endTime += shift
            for w in next.sentences[i].words.indices {
                next.sentences[i].words[w].beginTime += shift
                next.sentences[i].words[w].endTime += shift
            }
        }
        return next
    }

    /// Appends a batch when the audio reached the last sentence drawn.
    private mutating func drawIfNeeded() {
        guard nextSentence >= transcript.sentences.count - 1, let last = transcript.sentences.last else { return }
        transcript.sentences += Self.batch(taskID: taskID, index: last.id / 8, after: last).sentences
    }

    /// Milliseconds of audio received.
    var audioMilliseconds: Int { audioBytes / 32 }

    /// Takes `count` more bytes of audio; returns a partial for each sentence that gained a finished word and a
    /// final for each sentence whose end the audio passed.
    mutating func audio(_ count: Int) -> [String] {
        audioBytes += count
        let now = audioMilliseconds
        var events: [String] = []
        while true {
            drawIfNeeded()
            let sentence = transcript.sentences[nextSentence]
            if now >= sentence.endTime {
                events.append(result(sentence, words: sentence.words.count, final: true))
                nextSentence += 1
                shownWords = 0
                continue
            }
            let reached = sentence.words.prefix { $0.endTime <= now }.count
            if reached > shownWords {
                shownWords = reached
                events.append(result(sentence, words: reached, final: false))
            }
            break
        }
        return events
    }

    /// `finish-task`: the sentence in progress ends with the words begun before the audio ended, then `task-finished`.
    mutating func finish() -> [String] {
        var events: [String] = []
        if nextSentence < transcript.sentences.count {
            let sentence = transcript.sentences[nextSentence]
            let begun = sentence.words.prefix { $0.beginTime < audioMilliseconds }.count
            if begun > 0 { events.append(result(sentence, words: begun, final: true)) }
            nextSentence = transcript.sentences.count
        }
        events.append(LiveAudioEvents.finished(taskID: taskID))
        return events
    }

    private func result(_ sentence: SyntheticTranscript.Sentence, words: Int, final: Bool) -> String {
        LiveAudioEvents.result(
            taskID: taskID, sentence: sentence, words: words, final: final,
            billedSeconds: RecognitionPayloads.billedSeconds(audioMilliseconds))
    }
}
