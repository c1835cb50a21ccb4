@testable import MicroHTTPServer
import Testing

/// The header and body deadlines as pure state: no sockets, instants made up.
@Suite struct RequestDeadlineTests {
    let start = ContinuousClock.now
    let limits = RequestTimeLimits(header: .seconds(10), body: .seconds(30), bodyMinimumRate: 1000)

    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int(seconds * 1000)) }

    @Test func theHeadIsDueTheHeaderTimeAfterAcceptWhateverTrickles() {
        let deadline = RequestDeadline(openedAt: start, limits: limits)
        #expect(deadline.expired(at: at(9.9)) == nil)
        #expect(deadline.expired(at: at(10)) == .head)
    }

    @Test func aCompleteHeadWithoutBodyHasNoDeadline() {
        var deadline = RequestDeadline(openedAt: start, limits: limits)
        deadline.headComplete(at: at(1), expectsBody: false)
        #expect(deadline.expired(at: at(10_000)) == nil)
    }

    @Test func aBodyGetsItsBaseTimePlusWhatItsBytesNeedAtTheMinimumRate() {
        var deadline = RequestDeadline(openedAt: start, limits: limits)
        deadline.headComplete(at: at(0), expectsBody: true)
        #expect(deadline.expired(at: at(30)) == nil)
        #expect(deadline.expired(at: at(30.1)) == .body)
        deadline.received(5000)  // 5 s more at 1000 B/s
        #expect(deadline.expired(at: at(35)) == nil)
        #expect(deadline.expired(at: at(35.1)) == .body)
        #expect(deadline.allowance(forReceived: 1500) == .milliseconds(31_500))
    }

    @Test func timeSuspendedByTheServerDoesNotCount() {
        var deadline = RequestDeadline(openedAt: start, limits: limits)
        deadline.headComplete(at: at(0), expectsBody: true)
        deadline.suspended(at: at(10))
        #expect(deadline.expired(at: at(100)) == nil, "still suspended")
        deadline.resumed(at: at(100))
        #expect(deadline.expired(at: at(119.9)) == nil)
        #expect(deadline.expired(at: at(120.1)) == .body)
    }

    @Test func theBodyEndingOrAnAnswerStopsTheClock() {
        var deadline = RequestDeadline(openedAt: start, limits: limits)
        deadline.headComplete(at: at(0), expectsBody: true)
        deadline.bodyComplete()
        #expect(deadline.expired(at: at(1000)) == nil)
    }

    @Test func aKeptAliveConnectionGetsTheIdleWaitPlusTheHeaderTimeForItsNextHead() {
        var limits = self.limits
        limits.keepAliveIdle = .seconds(60)
        var deadline = RequestDeadline(openedAt: start, limits: limits)
        deadline.headComplete(at: at(1), expectsBody: false)
        deadline.requestEnded(at: at(2))
        #expect(deadline.expired(at: at(71.9)) == nil)
        #expect(deadline.expired(at: at(72)) == .head)
    }
}
