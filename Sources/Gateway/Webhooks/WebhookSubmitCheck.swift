/// The submit-time webhook rules: a callback (the body's or the configured default) needs a signing secret, and
/// an IP-literal host must pass the SSRF rule at once; a host name is resolved and checked at each attempt.
struct WebhookSubmitCheck: Sendable {
    /// The gateway's webhook settings.
    var configuration: WebhookConfiguration

    /// The callback URL to keep with the job, or nil; throws a 400 naming `callback_url`.
    func callback(for submission: TranscriptionSubmission) throws(GatewayError) -> String? {
        guard let text = submission.callbackURL ?? configuration.defaultURL else { return nil }
        guard configuration.secret != nil else {
            throw GatewayError.invalidRequest(
                "callback_url needs a webhook signing secret on the gateway (--webhook-secret-file or "
                    + "FUNASR_GATEWAY_WEBHOOK_SECRET_FILE); unsigned webhooks are refused", param: "callback_url")
        }
        guard case .success(let url) = CallbackURL.parse(text) else {
            throw GatewayError.invalidRequest("callback_url must be an http or https URL", param: "callback_url")
        }
        if let literal = WebhookAddress(literal: url.host),
           case .failure(let refusal) = WebhookResolver(configuration: configuration).check([literal], host: url.host) {
            throw GatewayError.invalidRequest("callback_url refused: \(refusal.message)", param: "callback_url")
        }
        return text
    }
}
