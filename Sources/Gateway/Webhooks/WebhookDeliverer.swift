import DashScope
import JSON
import Logging

/// Delivers due webhooks in the background: each pending webhook whose time has come gets one attempt (resolve,
/// check, pin, POST signed), and the attempt is recorded on the job with the next retry or the final state. Due
/// times live in the store, so deliveries survive a restart.
struct WebhookDeliverer: Sendable {
    let store: any JobStore
    let configuration: WebhookConfiguration
    let logger: Logger
    /// The job view a delivery carries (the local API's, `GET /v1/transcriptions/{id}`), given by the wiring so this
    /// folder does not depend on an API folder.
    let renderView: @Sendable (TaskQueryResponse, StoredJob) -> JSONValue
    /// Most deliveries one round attempts.
    var batch = 50

    /// Runs until the task is cancelled.
    func run() async {
        while !Task.isCancelled {
            await deliverDue()
            try? await Task.sleep(for: configuration.pollInterval)
        }
    }

    /// Attempts every delivery due now.
    func deliverDue() async {
        let due: [StoredWebhook]
        do throws(JobStoreError) {
            due = try await store.dueWebhooks(now: JobKeeper.now(), limit: batch)
        } catch {
            logger.error("webhook deliverer: the store failed", metadata: ["error": "\(error.message)"])
            due = []
        }
        for webhook in due where !Task.isCancelled { await attempt(webhook) }
    }

    /// One attempt, recorded on the job.
    func attempt(_ webhook: StoredWebhook) async {
        guard let secret = configuration.secret, var job = try? await store.job(webhook.taskID) else { return }
        let now = JobKeeper.now()
        guard let view = job.upstreamView, let json = JSONValue.parse(view), let task = try? TaskQueryResponse(json: json) else {
            await record(.failure("the job view is not available"), on: webhook, at: now)
            return
        }
        job.webhook = webhook
        let body = renderView(task, job).serialized()
        let timestamp = now / 1000
        let headers = [
            ("Content-Type", "application/json"), ("User-Agent", "funasr-gateway-webhook"),
            ("X-FunASR-Webhook-Id", webhook.eventID ?? webhook.taskID),
            ("X-FunASR-Webhook-Timestamp", "\(timestamp)"),
            ("X-FunASR-Webhook-Signature", WebhookSignature.sign(secret: secret, timestamp: timestamp, body: body)),
        ]
        let outcome: WebhookAttemptOutcome
        switch CallbackURL.parse(webhook.url) {
        case .failure(let problem):
            outcome = .failure("callback_url \(problem.reason)")
        case .success(let url):
            switch await WebhookResolver(configuration: configuration).pin(url) {
            case .failure(let refusal): outcome = .failure("refused: \(refusal.message)")
            case .success(let address):
                outcome = await WebhookSender(timeout: configuration.attemptTimeout).post(url, to: address, headers: headers, body: body)
            }
        }
        await record(outcome, on: webhook, at: now)
    }

    /// Appends the attempt and sets the next due time or the final state.
    private func record(_ outcome: WebhookAttemptOutcome, on webhook: StoredWebhook, at now: Int64) async {
        var updated = webhook
        var attempts = JSONValue.parse(webhook.attempts)?.arrayValue ?? []
        var entry: [String: JSONValue] = ["at": .string(CivilTime.iso8601(epochMilliseconds: now, offsetSeconds: 0))]
        let delivered: Bool
        switch outcome {
        case .status(let code):
            entry["status_code"] = .number(Double(code))
            delivered = (200...299).contains(code)
            if (300...399).contains(code) { entry["error"] = .string("redirect not followed") }
        case .failure(let message):
            entry["error"] = .string(message)
            delivered = false
        }
        if delivered {
            updated.state = "delivered"
            updated.nextAttemptAt = nil
        } else if let next = WebhookSchedule(configuration).nextAttempt(
            afterFailures: attempts.count + 1, now: now, dueSince: webhook.dueSince ?? now) {
            updated.nextAttemptAt = next
            entry["next_retry_at"] = .string(CivilTime.iso8601(epochMilliseconds: next, offsetSeconds: 0))
        } else {
            updated.state = "failed"
            updated.nextAttemptAt = nil
        }
        attempts.append(.object(entry))
        updated.attempts = JSONValue.array(attempts).serialized()
        logger.info("webhook attempt", metadata: [
            "task_id": "\(webhook.taskID)", "state": "\(updated.state)",
            "outcome": "\(entry["status_code"].map { "\($0)" } ?? entry["error"]?.stringValue ?? "-")",
        ])
        do throws(JobStoreError) {
            try await store.saveWebhook(updated)
        } catch {
            logger.error("webhook deliverer: the store failed", metadata: ["error": "\(error.message)"])
        }
    }
}
