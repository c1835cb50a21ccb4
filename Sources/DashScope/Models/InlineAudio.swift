import Synchronization

/// Audio base64-encoded as it arrives (an upload read piece by piece), into the one buffer that later becomes the
/// upstream JSON body in place: the raw audio is never held whole, and the text is never copied into a string.
public final class InlineAudio: Sendable, Equatable {
    private struct State {
        var text: [UInt8] = []
        var encoder = Base64Encoder()
        var decodedBytes = 0
        var finished = false
    }

    private let state: Mutex<State>

    /// An empty buffer sized for about `expectedBytes` of audio, with room for the JSON around it.
    public init(expectedBytes: Int) {
        var state = State()
        state.text.reserveCapacity(Base64Encoder.encodedLength(of: max(0, expectedBytes)) + Self.jsonRoom)
        self.state = Mutex(state)
    }

    /// The JSON the body puts around the audio usually fits in this much spare capacity (else it grows once).
    static let jsonRoom = 16 << 10

    /// Encodes the next piece of the audio.
    public func append(_ bytes: some Collection<UInt8>) {
        state.withLock { s in
            precondition(!s.finished, "InlineAudio.append after finish")
            s.decodedBytes += bytes.count
            s.encoder.encode(bytes, into: &s.text)
        }
    }

    /// The audio is complete: the last group is padded.
    public func finish() {
        state.withLock { s in
            guard !s.finished else { return }
            s.encoder.finish(into: &s.text)
            s.finished = true
        }
    }

    /// Bytes of audio appended so far.
    public var decodedBytes: Int { state.withLock { $0.decodedBytes } }

    /// The base64 text so far (a copy: for tests and small audio).
    public var base64: [UInt8] { state.withLock { $0.text } }

    /// `prefix`, the base64 text and `suffix` as one array, built where the text already lies (the prefix is slid in
    /// front of it); the buffer is empty afterwards, so this is done once.
    func body(prefix: [UInt8], suffix: [UInt8]) -> [UInt8] {
        state.withLock { s in
            var text: [UInt8] = []
            swap(&text, &s.text)
            text.insert(contentsOf: prefix, at: 0)
            text.append(contentsOf: suffix)
            return text
        }
    }

    /// Two inline audios are equal when they are the same buffer.
    public static func == (lhs: InlineAudio, rhs: InlineAudio) -> Bool { lhs === rhs }
}
