import Crypto
import FoundationEssentials

/// The server side of the RFC 6455 opening handshake: which requests may upgrade and the accept value.
public enum WebSocketHandshake {
    /// The accept value for a `Sec-WebSocket-Key`: base64(SHA-1(key + the RFC 6455 GUID)).
    public static func acceptValue(forKey key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Data(digest).base64EncodedString()
    }

    /// Why a request is not a valid WebSocket upgrade, or nil when it is (GET, `Connection: Upgrade`,
    /// `Upgrade: websocket`, `Sec-WebSocket-Version: 13`, a key that decodes to 16 bytes).
    public static func problem(method: String, header: (String) -> String?) -> String? {
        guard method == "GET" else { return "a WebSocket upgrade must be a GET" }
        guard tokens(header("Connection")).contains("upgrade") else {
            return "missing 'Connection: Upgrade': this route only speaks WebSocket"
        }
        guard tokens(header("Upgrade")).contains("websocket") else {
            return "missing 'Upgrade: websocket': this route only speaks WebSocket"
        }
        guard header("Sec-WebSocket-Version")?.trimmedOfSpaces == "13" else {
            return "Sec-WebSocket-Version must be 13"
        }
        guard let key = header("Sec-WebSocket-Key")?.trimmedOfSpaces,
              Data(base64Encoded: key)?.count == 16 else {
            return "Sec-WebSocket-Key must be 16 bytes in base64"
        }
        return nil
    }

    /// The response headers that accept an upgrade whose request carried `key`.
    public static func responseHeaders(forKey key: String) -> [(name: String, value: String)] {
        [
            ("Upgrade", "websocket"), ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", acceptValue(forKey: key.trimmedOfSpaces)),
        ]
    }

    private static func tokens(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { String($0).trimmedOfSpaces.lowercased() }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmedOfSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
