import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// What one delivery attempt came to.
enum WebhookAttemptOutcome: Sendable, Equatable {
    /// The receiver answered with this status (2xx is success; a 3xx is not followed and counts as a failure).
    case status(Int)
    /// No answer: refused by the SSRF rule, connection error or timeout.
    case failure(String)
}

/// POSTs one signed webhook to an address already checked (`WebhookResolver`): the URL keeps its host name (Host
/// header, TLS name) while the connection goes to the pinned address; redirects are never followed. One short-lived
/// client per attempt, since the pinned address is part of a client's configuration (webhooks are rare).
struct WebhookSender: Sendable {
    /// Longest wait for the connection and for the answer.
    var timeout: Duration

    /// Sends `body` with `headers`; never throws.
    func post(_ url: CallbackURL, to address: WebhookAddress, headers: [(String, String)], body: [UInt8]) async -> WebhookAttemptOutcome {
        let milliseconds = Int64(timeout / .milliseconds(1))
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .milliseconds(milliseconds), read: .milliseconds(milliseconds))
        if WebhookAddress(literal: url.host) == nil { configuration.dnsOverride = [url.host: address.text] }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        var request = HTTPClientRequest(url: url.text)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let outcome: WebhookAttemptOutcome
        do {
            let response = try await client.execute(request, deadline: .now() + .milliseconds(milliseconds))
            _ = try? await response.body.collect(upTo: 64 << 10)
            outcome = .status(Int(response.status.code))
        } catch {
            outcome = .failure(Self.describe(error))
        }
        try? await client.shutdown()
        return outcome
    }

    /// A short description of a transport error (no secrets: the request carries none but the signature).
    private static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout || client == .connectTimeout { return "timeout" }
            return "\(client)"
        }
        return "connection failed: \(error)"
    }
}
