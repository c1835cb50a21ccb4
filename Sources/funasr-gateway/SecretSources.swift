import DashScope
import FoundationEssentials
import Gateway

// The DashScope key and the local tokens, read from flags, then the environment, then files. Every message here
// names where a secret came from (a flag, a variable, a path) and never repeats any of its content.

extension GatewayOptions {
    /// The key from `--api-key`/`DASHSCOPE_API_KEY`, else the key file; nil when none is configured.
    func loadAPIKey(environment: [String: String]) throws -> APIKey? {
        if let key = apiKey ?? environment["DASHSCOPE_API_KEY"], !key.isEmpty {
            let source = apiKey != nil ? "--api-key" : "DASHSCOPE_API_KEY"
            do { return try APIKey(validating: key) } catch { throw ConfigurationError("\(source): \(error)") }
        }
        guard let path = apiKeyFile ?? environment["DASHSCOPE_API_KEY_FILE"], !path.isEmpty else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read the API key file \(path)")
        }
        do {
            return try APIKey(validating: text, fromFile: true)
        } catch {
            throw ConfigurationError("API key file \(path): \(error); the file must hold the key alone on one line")
        }
    }

    /// The webhook secret: `--webhook-secret`, `--webhook-secret-file`, `FUNASR_GATEWAY_WEBHOOK_SECRET`,
    /// `FUNASR_GATEWAY_WEBHOOK_SECRET_FILE`, first set wins (a file's surrounding white space is dropped).
    func loadWebhookSecret(environment: [String: String]) throws -> String? {
        if let secret = webhookSecret, !secret.isEmpty { return secret }
        let path = webhookSecretFile.flatMap { $0.isEmpty ? nil : $0 }
        if path == nil, let secret = environment["FUNASR_GATEWAY_WEBHOOK_SECRET"], !secret.isEmpty { return secret }
        guard let path = path ?? environment["FUNASR_GATEWAY_WEBHOOK_SECRET_FILE"], !path.isEmpty else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read the webhook secret file \(path)")
        }
        let secret = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        if secret.isEmpty { throw ConfigurationError("the webhook secret file \(path) is empty") }
        return secret
    }

    /// Local tokens: `--tokens`, `--tokens-file`, `FUNASR_GATEWAY_TOKENS`, `FUNASR_GATEWAY_TOKENS_FILE`, first set wins.
    func loadLocalTokens(environment: [String: String]) throws -> [String] {
        if let list = tokens, !list.isEmpty { return GatewayConfiguration.parseTokens(list) }
        if let path = tokensFile, !path.isEmpty { return try Self.readTokens(path: path) }
        if let list = environment["FUNASR_GATEWAY_TOKENS"], !list.isEmpty { return GatewayConfiguration.parseTokens(list) }
        if let path = environment["FUNASR_GATEWAY_TOKENS_FILE"], !path.isEmpty { return try Self.readTokens(path: path) }
        return []
    }

    private static func readTokens(path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read the local tokens file \(path)")
        }
        let parsed = GatewayConfiguration.parseTokens(text)
        if parsed.isEmpty { throw ConfigurationError("the local tokens file \(path) holds no token") }
        return parsed
    }
}
