import DashScope
import Testing

/// The retry rules of the DashScope client, as a pure function.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300), budget: .seconds(5))

    @Test func idempotentCallsRetryThrottlingAndServerErrorsWithJitteredDoublingBackoff() {
        #expect(policy.delay(after: .status(500, retryAfter: nil), attempt: 1, elapsed: .zero, idempotent: true, jitter: 1) == .milliseconds(100))
        #expect(policy.delay(after: .status(503, retryAfter: nil), attempt: 2, elapsed: .zero, idempotent: true, jitter: 1) == .milliseconds(200))
        #expect(policy.delay(after: .status(429, retryAfter: nil), attempt: 2, elapsed: .zero, idempotent: true, jitter: 0.5) == .milliseconds(100))
        #expect(policy.delay(after: .notSent, attempt: 1, elapsed: .zero, idempotent: true, jitter: 0) == .zero)
        let capped = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300), budget: .seconds(5))
        #expect(capped.delay(after: .status(500, retryAfter: nil), attempt: 6, elapsed: .zero, idempotent: true, jitter: 1) == .milliseconds(300))
    }

    @Test func retryAfterIsHonouredUnlessItPassesTheBudget() {
        #expect(policy.delay(after: .status(429, retryAfter: "2"), attempt: 1, elapsed: .zero, idempotent: true, jitter: 0) == .seconds(2))
        #expect(policy.delay(after: .status(429, retryAfter: "2"), attempt: 1, elapsed: .milliseconds(3500), idempotent: true, jitter: 0) == nil)
        #expect(policy.delay(after: .status(429, retryAfter: "60"), attempt: 1, elapsed: .zero, idempotent: true, jitter: 0) == nil)
    }

    @Test func aCallDashScopeMayHaveActedOnIsRetriedOnlyWhenItWasNeverSent() {
        #expect(policy.delay(after: .status(500, retryAfter: nil), attempt: 1, elapsed: .zero, idempotent: false, jitter: 1) == nil)
        #expect(policy.delay(after: .status(429, retryAfter: "1"), attempt: 1, elapsed: .zero, idempotent: false, jitter: 1) == nil)
        #expect(policy.delay(after: .transport, attempt: 1, elapsed: .zero, idempotent: false, jitter: 1) == nil)
        #expect(policy.delay(after: .transport, attempt: 1, elapsed: .zero, idempotent: true, jitter: 1) == nil, "a timeout spent the deadline")
        #expect(policy.delay(after: .notSent, attempt: 1, elapsed: .zero, idempotent: false, jitter: 1) == .milliseconds(100))
    }

    @Test func clientErrorsAndTheLastAttemptAreFinal() {
        for status in [400, 401, 403, 404, 409] {
            #expect(policy.delay(after: .status(status, retryAfter: nil), attempt: 1, elapsed: .zero, idempotent: true, jitter: 1) == nil)
        }
        #expect(policy.delay(after: .status(500, retryAfter: nil), attempt: 3, elapsed: .zero, idempotent: true, jitter: 1) == nil)
        #expect(RetryPolicy.never.delay(after: .notSent, attempt: 1, elapsed: .zero, idempotent: true, jitter: 1) == nil)
    }
}
