import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import Synchronization

extension DashScopeClient {
    /// Uploads one file to DashScope's temporary storage under `policy` (dashscope-api.md §5) and returns its
    /// `oss://` URL. The form is POSTed to the policy's `upload_host` without the key, the file streamed from
    /// `body` as it is read (never whole in memory); `size`, when known, is checked against `max_file_size_mb`
    /// before anything is sent and makes the length exact, otherwise the body goes chunked and is cut off past the
    /// limit. Never retried: the file cannot be read twice.
    ///
    /// Throws `DashScopeError` (`uploadTooLarge`, `uploadRefused` with OSS's code and message, `uploadHostRefused`,
    /// transport kinds), or the error `body` itself threw, unchanged.
    public func upload<Body: AsyncSequence & Sendable>(
        policy: UploadPolicy, fileName: String, contentType: String, size: Int?, body: Body, _ call: CallContext
    ) async throws -> String where Body.Element == [UInt8] {
        guard resultPolicy.allows(policy.uploadHost) else { throw call.failed(.uploadHostRefused) }
        let maxBytes = policy.maxFileSizeMB.map { $0 * 1024 * 1024 }
        if let size, let maxBytes, size > maxBytes {
            throw call.failed(.uploadTooLarge(maxMB: policy.maxFileSizeMB ?? 0))
        }
        let unique = String(UUID().uuidString.lowercased().prefix(8))
        let boundary = "funasr-gateway-" + UUID().uuidString.lowercased()
        let form = UploadForm(policy: policy, fileName: fileName, contentType: contentType, unique: unique, boundary: boundary)
        let source = UploadFormBody(form: form, file: body, maxFileBytes: maxBytes)
        let length: HTTPClientRequest.Body.Length = size.map { .known(Int64(form.contentLength(fileSize: $0))) } ?? .unknown
        var headers = [(name: "Content-Type", value: form.contentType)]
        if let requestID = call.requestID { headers.append((name: "X-Request-Id", value: requestID)) }
        let outcome: Result<UpstreamResponse, DashScopeError>
        do throws(TransportFailure) {
            outcome = .success(try await transport.postUnauthenticated(
                policy.uploadHost, headers: headers, body: .stream(source, length: length),
                maxBodyBytes: AnswerCaps.errorBody))
        } catch {
            outcome = .failure(error.error)
        }
        // The body's own failure explains a failed exchange better than the transport's view of it.
        if let failure = source.failure {
            if let upstream = failure as? DashScopeError { throw call.failed(upstream) }
            throw failure
        }
        let response = try outcome.mapError { call.failed($0) }.get()
        call.observer?.upstreamAnswered(after: response.duration, requestID: nil)
        guard response.isSuccess else { throw call.failed(Self.uploadError(response)) }
        return form.ossURL
    }

    /// The error of a refused upload: OSS's XML when it sent one, else its status.
    static func uploadError(_ response: UpstreamResponse) -> DashScopeError {
        if let answer = OSSErrorAnswer(xml: response.body) {
            return .uploadRefused(status: response.status, code: answer.code, message: answer.message)
        }
        return .uploadRefused(
            status: response.status, code: "HTTP\(response.status)",
            message: "the storage answered HTTP \(response.status) without an OSS error document")
    }
}

/// The form's bytes as async-http-client pulls them: the fields, the file's pieces as `file` yields them, the
/// closing boundary. Past `maxFileBytes` of file it stops with `uploadTooLarge`; the first error (the file's own,
/// or that one) is kept, so the caller can tell it from a transport failure.
struct UploadFormBody<File: AsyncSequence & Sendable>: AsyncSequence, Sendable where File.Element == [UInt8] {
    typealias Element = ByteBuffer
    let form: UploadForm
    let file: File
    let maxFileBytes: Int?
    private let recorded = RecordedFailure()

    init(form: UploadForm, file: File, maxFileBytes: Int?) {
        self.form = form
        self.file = file
        self.maxFileBytes = maxFileBytes
    }

    /// What stopped the body, when something did.
    var failure: (any Error)? { recorded.error }

    struct AsyncIterator: AsyncIteratorProtocol {
        let body: UploadFormBody
        var file: File.AsyncIterator
        var stage = 0
        var fileBytes = 0

        mutating func next() async throws -> ByteBuffer? {
            switch stage {
            case 0:
                stage = 1
                return ByteBuffer(bytes: body.form.preamble)
            case 1:
                let piece: [UInt8]?
                do {
                    piece = try await file.next()
                } catch {
                    body.recorded.record(error)
                    throw error
                }
                guard let piece else {
                    stage = 2
                    return ByteBuffer(bytes: body.form.epilogue)
                }
                fileBytes += piece.count
                if let limit = body.maxFileBytes, fileBytes > limit {
                    let error = DashScopeError.uploadTooLarge(maxMB: limit / (1024 * 1024))
                    body.recorded.record(error)
                    throw error
                }
                return ByteBuffer(bytes: piece)
            default:
                return nil
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(body: self, file: file.makeAsyncIterator())
    }
}

/// The first error an upload's body source hit, shared between the body and the caller.
final class RecordedFailure: Sendable {
    private let stored = Mutex<(any Error)?>(nil)

    /// Keeps `error` unless one is already kept.
    func record(_ error: any Error) {
        stored.withLock { if $0 == nil { $0 = error } }
    }

    /// The kept error.
    var error: (any Error)? { stored.withLock { $0 } }
}
