@testable import Gateway
import Testing

/// The wait before a failed result document is downloaded again: doubling up to a cap, per job, bounded memory.
@Suite struct DocumentRetriesTests {
    @Test func theWaitDoublesUpToTheCap() {
        let schedule = DocumentRetrySchedule(base: .seconds(1), cap: .seconds(10))
        #expect((1...6).map { schedule.delayMilliseconds(afterFailures: $0) } == [1000, 2000, 4000, 8000, 10000, 10000])
        #expect(schedule.delayMilliseconds(afterFailures: 500) == 10000, "no overflow after many failures")
        #expect(DocumentRetrySchedule().delayMilliseconds(afterFailures: 100) == 300_000, "the default caps at 5 minutes")
    }

    @Test func aJobWaitsFromItsLastFailureAndSuccessForgetsIt() {
        let retries = DocumentRetries(schedule: DocumentRetrySchedule(base: .seconds(1), cap: .seconds(60)))
        #expect(retries.mayTry("a", now: 0))
        #expect(retries.failed("a", now: 1000) == 1000)
        #expect(!retries.mayTry("a", now: 1999))
        #expect(retries.mayTry("a", now: 2000))
        #expect(retries.mayTry("b", now: 1000), "other jobs are not held back")
        #expect(retries.failed("a", now: 2000) == 2000, "a second failure in a row waits twice as long")
        #expect(!retries.mayTry("a", now: 3999))
        retries.succeeded("a")
        #expect(retries.mayTry("a", now: 2001))
        #expect(retries.failed("a", now: 5000) == 1000, "after a success the wait starts again from the base")
    }

    @Test func pastTheLimitJobsWhoseWaitIsOverMakeRoomAndOthersAreNotRecorded() {
        let retries = DocumentRetries(schedule: DocumentRetrySchedule(base: .seconds(1), cap: .seconds(1)), limit: 2)
        retries.failed("a", now: 0)
        retries.failed("b", now: 500)
        retries.failed("c", now: 1200)
        #expect(retries.count == 2, "a's wait was over: it made room for c")
        #expect(retries.mayTry("a", now: 1200) && !retries.mayTry("c", now: 1200))
        retries.failed("d", now: 1300)
        #expect(retries.count == 2 && retries.mayTry("d", now: 1300), "b and c still wait: d is not recorded")
        #expect(!retries.mayTry("b", now: 1300))
    }
}
