/// One live-audio task of the simulator: synthetic sentences released as the audio that would hold them arrives
/// (16 kHz 16-bit mono PCM: 32 bytes a millisecond). Pure: audio in, event texts out.
struct LiveAudioTask: Sendable {
    /// The client's task id, echoed in every event.
    let taskID: String
    private let transcript: SyntheticTranscript
    private var audioBytes = 0
    private var nextSentence = 0
    private var shownWords = 0

    /// A task whose sentences are seeded by its id (enough of them for hours of audio).
    init(taskID: String) {
        self.taskID = taskID
        self.transcript = SyntheticTranscript(seed: "live:" + taskID, sentenceCount: 400...400)
    }

    /// Milliseconds of audio received.
    var audioMilliseconds: Int { audioBytes / 32 }

    /// Takes `count` more bytes of audio; returns a partial for each sentence that gained a finished word and a
    /// final for each sentence whose end the audio passed.
    mutating func audio(_ count: Int) -> [String] {
        audioBytes += count
        let now = audioMilliseconds
        var events: [String] = []
        while nextSentence < transcript.sentences.count {
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
