import FoundationEssentials
import MicroHTTPServer

/// The transcription result files (§3.5) and their signed, expiring, OSS-style URLs.
enum ResultDocuments {
    /// The synthetic transcript of one channel of a file.
    static func transcript(fileURL: String, channel: Int, options: TranscriptionOptions) -> SyntheticTranscript {
        let speakers = options.diarization ? max(2, min(options.speakerCount ?? 2, 100)) : nil
        return SyntheticTranscript(seed: "\(fileURL)#\(channel)", sentenceCount: 2...6, speakers: speakers)
    }

    /// Billed milliseconds of a file: speech time summed over its channels.
    static func billedMilliseconds(fileURL: String, options: TranscriptionOptions) -> Int {
        options.channelIDs.reduce(0) {
            $0 + transcript(fileURL: fileURL, channel: $1, options: options).contentDurationMilliseconds
        }
    }

    /// The compact §3.5 document for a file.
    static func document(fileURL: String, options: TranscriptionOptions) -> OrderedJSON {
        let transcripts = options.channelIDs.map { (channel: $0, transcript: transcript(fileURL: fileURL, channel: $0, options: options)) }
        var random = SeededRandom(seed: fileURL)
        let tail = random.nextRaw() % 400 + 200
        let duration = (transcripts.map(\.transcript.endTime).max() ?? 0) + Int(tail)
        return .obj([
            "file_url": .string(fileURL),
            "properties": .obj([
                "audio_format": .string(audioFormat(of: fileURL)),
                "channels": .array(options.channelIDs.map { .int($0) }),
                "original_sampling_rate": .int(16000),
                "original_duration_in_milliseconds": .int(duration),
            ]),
            "transcripts": .array(transcripts.map { channel, transcript in
                .obj([
                    "channel_id": .int(channel),
                    "content_duration_in_milliseconds": .int(transcript.contentDurationMilliseconds),
                    "text": .string(transcript.text),
                    "sentences": .array(transcript.sentences.map(sentenceJSON)),
                ])
            }),
        ])
    }

    private static func sentenceJSON(_ sentence: SyntheticTranscript.Sentence) -> OrderedJSON {
        .obj([
            "begin_time": .int(sentence.beginTime),
            "end_time": .int(sentence.endTime),
            "text": .string(sentence.text),
            "sentence_id": .int(sentence.id),
            "speaker_id": sentence.speakerID.map { .int($0) },
            "words": .array(sentence.words.map { word in
                .obj([
                    "begin_time": .int(word.beginTime), "end_time": .int(word.endTime),
                    "text": .string(word.text), "punctuation": .string(word.punctuation),
                ])
            }),
        ])
    }

    private static func audioFormat(of url: String) -> String {
        let path = URLComponents(string: url)?.path.lowercased() ?? url.lowercased()
        let formats = ["mp3": "mp3", "aac": "aac", "m4a": "aac", "opus": "opus", "ogg": "vorbis", "flac": "flac", "amr": "amr"]
        return formats.first { path.hasSuffix("." + $0.key) }?.value ?? "pcm_s16le"
    }

    /// The object path of a result file.
    static func path(taskID: String, index: Int) -> String {
        "/results/\(taskID)/\(index).json"
    }

    /// The OSS-like signature of a path and expiry (an FNV "HMAC" under a fixed secret; not security, just tamper detection).
    static func signature(path: String, expires: Int64) -> String {
        let digest = Fingerprint.hex("simulator-secret\n\(path)\n\(expires)") + Fingerprint.hex("\(expires)\n\(path)")
        return Data(digest.utf8).base64EncodedString()
            .replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }

    /// The signed URL, valid until `expires` (epoch seconds).
    static func signedURL(baseURL: String, taskID: String, index: Int, expires: Int64) -> String {
        let path = path(taskID: taskID, index: index)
        return "\(baseURL)\(path)?Expires=\(expires)&OSSAccessKeyId=sim&Signature=\(signature(path: path, expires: expires))"
    }

    /// Answers `GET /results/{task}/{index}.json` the way OSS would.
    static func fetch(
        _ head: HTTPRequestHead, taskID: String, index: Int, store: TaskStore, now: Date, requestID: String
    ) -> HTTPResponse {
        if head.headers["Authorization"] != nil {
            return OSSError.unsupportedAuthorization.response(requestID: requestID)
        }
        guard let expiresText = head.queryValue("Expires"), let expires = Int64(expiresText),
            let signature = head.queryValue("Signature"), head.queryValue("OSSAccessKeyId") != nil
        else { return OSSError.missingSignature.response(requestID: requestID) }
        guard signature == self.signature(path: path(taskID: taskID, index: index), expires: expires) else {
            return OSSError.badSignature.response(requestID: requestID)
        }
        guard Double(expires) > now.timeIntervalSince1970 else { return OSSError.expired.response(requestID: requestID) }
        guard let snapshot = store.snapshot(taskID, at: now), snapshot.hasRun,
            snapshot.task.outcomes.indices.contains(index), snapshot.task.outcomes[index] == .succeeded
        else { return OSSError.noSuchKey.response(requestID: requestID) }
        let body = document(fileURL: snapshot.task.fileURLs[index], options: snapshot.task.options)
        return HTTPResponse(
            status: 200, headers: ["Content-Type": "application/json", "x-oss-request-id": requestID],
            body: .bytes(body.bytes()))
    }
}
