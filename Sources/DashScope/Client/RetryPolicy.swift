/// When and after how long the DashScope client tries a failed call again: jittered exponential backoff that
/// honours `Retry-After`, bounded in attempts and in total time. A call DashScope may have acted on (a submit,
/// a recognition, a cancel) is retried only when it was never sent.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (1 = never retry).
    public var maxAttempts: Int
    /// The backoff before the first retry (doubled for each further one, up to `maxDelay`).
    public var baseDelay: Duration
    /// The longest backoff between two attempts.
    public var maxDelay: Duration
    /// Retries stop once this much time has passed since the first attempt (a `Retry-After` past it is not waited).
    public var budget: Duration

    /// Creates a policy.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(2), budget: Duration = .seconds(5)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.budget = budget
    }

    /// Never retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// What went wrong with one attempt.
    public enum Failure: Sendable, Equatable {
        /// No connection could be made: nothing was sent.
        case notSent
        /// The exchange failed after the request may have been sent (timeout, dropped connection): never retried.
        case transport
        /// DashScope answered this status, with this `Retry-After` value.
        case status(Int, retryAfter: String?)
    }

    /// The pause before the next attempt, or nil when the call must not be tried again. `attempt` counts the
    /// attempts made so far (1 after the first); `jitter` in 0...1 picks the point in the backoff window.
    public func delay(
        after failure: Failure, attempt: Int, elapsed: Duration, idempotent: Bool, jitter: Double
    ) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        var retryAfter: Duration?
        switch failure {
        case .notSent:
            break
        case .transport:
            // A timeout or a dropped connection: DashScope may be working on it, and the deadline is spent.
            return nil
        case .status(let status, let header):
            guard idempotent, status == 429 || (500...599).contains(status) else { return nil }
            retryAfter = header.flatMap(Self.retryAfter)
        }
        let window = min(maxDelay, baseDelay * (1 << min(attempt - 1, 20)))
        let pause = retryAfter ?? window * min(1, max(0, jitter))
        return elapsed + pause <= budget ? pause : nil
    }

    /// `Retry-After` as delay-seconds (an HTTP date is not honoured: DashScope sends seconds).
    public static func retryAfter(_ header: String) -> Duration? {
        let trimmed = header.filter { $0 != " " && $0 != "\t" }
        guard let value = Int(trimmed), value >= 0 else { return nil }
        return .seconds(value)
    }
}
