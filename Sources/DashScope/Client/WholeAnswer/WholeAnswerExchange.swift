import NIOCore
import NIOHTTP1

/// DashScope's answer as the NIO path collected it.
struct WholeAnswer: Sendable {
    /// Status and headers.
    let head: HTTPResponseHead
    /// The whole body.
    let body: ByteBuffer
}

/// One call on the NIO path, from the moment it is queued on its event loop to its answer. Touched only on that
/// loop (hence `@unchecked Sendable`: the caller's cancellation handler hops there before touching it).
final class WholeAnswerExchange: @unchecked Sendable {
    /// The request head, `Host`, the key, `Content-Length` included.
    let head: HTTPRequestHead
    /// The body, when there is one.
    let body: ByteBuffer?
    /// Bytes of body accepted; one more fails the call (the too-large failure).
    let maxBodyBytes: Int
    /// When the whole exchange must be over (connect, send, answer).
    let deadline: NIODeadline
    /// Completed exactly once, by `finish`.
    let promise: EventLoopPromise<WholeAnswer>
    /// The loop's deadline watch, once the exchange has started, and the exchange's place in it.
    var deadlines: WholeAnswerDeadlines?
    var deadlineSlot: Int?
    /// The channel carrying the request, once it has one.
    var handler: WholeAnswerHandler?
    /// True once sent again on a new connection after a reused one closed before answering (GET only, once).
    var resent = false
    /// True once the answer or a failure has been delivered.
    private(set) var finished = false

    init(head: HTTPRequestHead, body: ByteBuffer?, maxBodyBytes: Int, deadline: NIODeadline, promise: EventLoopPromise<WholeAnswer>) {
        self.head = head
        self.body = body
        self.maxBodyBytes = maxBodyBytes
        self.deadline = deadline
        self.promise = promise
    }

    /// Delivers the outcome unless one was delivered already; returns false then.
    @discardableResult
    func finish(_ outcome: Result<WholeAnswer, TransportFailure>) -> Bool {
        guard !finished else { return false }
        finished = true
        deadlines?.forget(self)
        deadlines = nil
        handler = nil
        switch outcome {
        case .success(let answer): promise.succeed(answer)
        case .failure(let failure): promise.fail(failure)
        }
        return true
    }

    /// Gives up (request deadline or the caller's cancellation): fails the call and closes its channel, which is
    /// mid-exchange and cannot carry another request.
    func abandon(_ error: DashScopeError) {
        let handler = self.handler
        guard finish(.failure(TransportFailure(error: error, sentNothing: false))) else { return }
        handler?.drop()
    }
}
