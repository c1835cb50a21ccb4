@testable import DashScope
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// One timer per loop watches every whole-answer call's deadline: each call still ends with `.timeout` at its own
/// deadline (an earlier one arriving later included), and a call that finished first is never touched.
@Suite struct WholeAnswerDeadlinesTests {
    private static func exchange(on loop: EmbeddedEventLoop, deadlineIn seconds: Int64) -> WholeAnswerExchange {
        WholeAnswerExchange(
            head: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/v1/tasks/t"), body: nil, maxBodyBytes: 1 << 20,
            deadline: loop.now + .seconds(seconds), promise: loop.makePromise())
    }

    /// "timeout", "answered", or "open".
    private static func outcome(_ exchange: WholeAnswerExchange) -> String {
        var result = "open"
        exchange.promise.futureResult.whenComplete { outcome in
            switch outcome {
            case .success: result = "answered"
            case .failure(let error): result = (error as? TransportFailure)?.error == .timeout ? "timeout" : "\(error)"
            }
        }
        return result
    }

    @Test func everyCallTimesOutAtItsOwnDeadlineAndAFinishedCallIsLeftAlone() throws {
        let loop = EmbeddedEventLoop()
        let deadlines = WholeAnswerDeadlines(loop: loop)
        let late = Self.exchange(on: loop, deadlineIn: 30)
        let early = Self.exchange(on: loop, deadlineIn: 10)  // arrives after a later deadline: the timer re-arms
        let answered = Self.exchange(on: loop, deadlineIn: 5)
        for exchange in [late, early, answered] { deadlines.watch(exchange) }
        answered.finish(.success(WholeAnswer(head: HTTPResponseHead(version: .http1_1, status: .ok), body: ByteBuffer())))

        loop.advanceTime(by: .seconds(9))
        #expect([late, early, answered].map(Self.outcome) == ["open", "open", "answered"])
        loop.advanceTime(by: .seconds(1))
        #expect([late, early, answered].map(Self.outcome) == ["open", "timeout", "answered"])
        loop.advanceTime(by: .seconds(19))
        #expect(Self.outcome(late) == "open")
        loop.advanceTime(by: .seconds(1))
        #expect(Self.outcome(late) == "timeout")

        // Calls that come later are watched again by a fresh timer.
        let next = Self.exchange(on: loop, deadlineIn: 2)
        deadlines.watch(next)
        loop.advanceTime(by: .seconds(2))
        #expect(Self.outcome(next) == "timeout")
        try loop.syncShutdownGracefully()
    }
}
