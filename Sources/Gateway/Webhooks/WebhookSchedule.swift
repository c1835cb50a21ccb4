/// When a failed delivery is tried again: 1, 3, 6, 30, 180 and then 360 times the base (10 s, 30 s, 1 min, 5 min,
/// 30 min, 1 h at the default 10 s), until `giveUpAfterBases` bases have passed since the job ended.
struct WebhookSchedule: Sendable {
    /// The first delay, in milliseconds.
    var baseMilliseconds: Int64
    /// Retries stop this many milliseconds after the job ended.
    var giveUpMilliseconds: Int64

    /// Builds the schedule of a configuration.
    init(_ configuration: WebhookConfiguration) {
        baseMilliseconds = max(1, Int64(configuration.retryBase / .milliseconds(1)))
        giveUpMilliseconds = baseMilliseconds * Int64(configuration.giveUpAfterBases)
    }

    private static let multiples: [Int64] = [1, 3, 6, 30, 180, 360]

    /// The next attempt's time after `failures` failed attempts, or nil when it would fall past the give-up time.
    func nextAttempt(afterFailures failures: Int, now: Int64, dueSince: Int64) -> Int64? {
        let multiple = Self.multiples[min(max(failures, 1), Self.multiples.count) - 1]
        let next = now + multiple * baseMilliseconds
        return next - dueSince > giveUpMilliseconds ? nil : next
    }
}
