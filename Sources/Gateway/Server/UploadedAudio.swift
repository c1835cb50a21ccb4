import DashScope
import MicroHTTPServer

/// Audio read from an upload as it arrives: base64-encoded straight into the buffer the upstream body is built in
/// (`InlineAudio`), with its first bytes kept (a WAV header tells the audio's length). The raw audio is never held.
struct UploadedAudio: Sendable {
    /// The encoded audio.
    let audio: InlineAudio
    /// The first bytes of the audio, at most `leadingLimit`.
    private(set) var leadingBytes: [UInt8] = []
    /// Bytes of audio read.
    private(set) var count = 0
    /// The most bytes accepted; one more fails the upload with `audioTooLarge`.
    let limit: Int

    /// How many of the first bytes are kept.
    static let leadingLimit = 64 << 10

    /// An empty upload expecting about `expectedBytes` (pre-sizes the buffer; never more than `limit`).
    init(expectedBytes: Int?, limit: Int) {
        self.limit = limit
        self.audio = InlineAudio(expectedBytes: min(expectedBytes ?? limit, limit))
    }

    /// Encodes the next piece; throws 413 `audio_too_large` as soon as the audio passes `limit`.
    mutating func append(_ piece: some Collection<UInt8>) throws(GatewayError) {
        count += piece.count
        guard count <= limit else { throw Self.audioTooLarge(limit: limit) }
        if leadingBytes.count < Self.leadingLimit {
            leadingBytes += piece.prefix(Self.leadingLimit - leadingBytes.count)
        }
        audio.append(piece)
    }

    /// Reads a raw audio body to its end; 413 past `limit`, the body's own errors mapped by `bodyError`.
    static func read(_ body: RequestBodyStream, limit: Int) async throws -> UploadedAudio {
        var upload = UploadedAudio(expectedBytes: body.declaredLength, limit: limit)
        do {
            for try await piece in body { try upload.append(piece) }
        } catch {
            throw bodyError(error)
        }
        upload.audio.finish()
        return upload
    }

    /// A streamed body's failure as the gateway reports it (413 past the route's cap); other errors unchanged.
    static func bodyError(_ error: any Error) -> any Error {
        guard let body = error as? RequestBodyError, case .tooLarge(let limit) = body else { return error }
        return GatewayError(
            status: 413, code: "payload_too_large", message: "request body is larger than the \(limit) bytes this route accepts")
    }

    /// 413 for audio past DashScope's synchronous limit.
    static func audioTooLarge(limit: Int) -> GatewayError {
        GatewayError(
            status: 413, code: "audio_too_large",
            message: "the audio is larger than \(limit) bytes; DashScope accepts at most 10 MB (\(RecognitionRequest.maxAudioBytes) bytes) per synchronous request — use POST /v1/transcriptions with a URL for longer audio")
    }
}
