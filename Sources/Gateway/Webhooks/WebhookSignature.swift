import Crypto

/// The `X-FunASR-Webhook-Signature` value: `v1=` and the hex HMAC-SHA256 of `"<timestamp>.<body>"` under the
/// configured secret (swift-crypto). Receivers recompute it, compare in constant time and refuse old timestamps.
enum WebhookSignature {
    /// The header value for this timestamp (unix seconds) and body.
    static func sign(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let key = SymmetricKey(data: Array(secret.utf8))
        let code = HMAC<SHA256>.authenticationCode(for: message, using: key)
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in code { hex += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return "v1=" + String(decoding: hex, as: UTF8.self)
    }
}
