import FoundationEssentials
import JSON

/// The signed POST policy of a temporary upload (dashscope-api.md §5), as OSS reads it: an expiry, a size range, the
/// key prefix and the exact-match fields, base64 JSON signed so a form cannot change them.
struct OSSPostPolicy: Sendable, Equatable {
    /// When the policy stops being accepted.
    var expiration: Date
    /// The largest file accepted, in bytes.
    var maxBytes: Int
    /// Every key must start with this (`upload_dir` plus `/`).
    var keyPrefix: String
    /// Fields the form must carry with exactly these values (`x-oss-object-acl`, `x-oss-forbid-overwrite`).
    var exactFields: [(name: String, value: String)]

    /// The access key id the double hands out (a real one is an `LTAI…` id of DashScope's storage account).
    static let accessKeyID = "LTAI5tSimulatorKey"

    static func == (lhs: OSSPostPolicy, rhs: OSSPostPolicy) -> Bool {
        lhs.expiration == rhs.expiration && lhs.maxBytes == rhs.maxBytes && lhs.keyPrefix == rhs.keyPrefix
            && lhs.exactFields.elementsEqual(rhs.exactFields) { $0 == $1 }
    }

    /// The policy document as OSS expects it, base64-encoded.
    var encoded: String {
        var conditions: [OrderedJSON] = [
            .array([.string("content-length-range"), .int(0), .int(maxBytes)]),
            .array([.string("starts-with"), .string("$key"), .string(keyPrefix)]),
        ]
        for field in exactFields { conditions.append(.object([(key: field.name, value: .string(field.value))])) }
        let document = OrderedJSON.obj([
            "expiration": .string(expiration.formatted(Date.ISO8601FormatStyle())),
            "conditions": .array(conditions),
        ])
        return Data(document.bytes()).base64EncodedString()
    }

    /// The signature of an encoded policy (OSS: base64 HMAC-SHA1 under the key secret; here an FNV fingerprint under
    /// a fixed secret — tamper detection for tests, not security).
    static func signature(of encodedPolicy: String) -> String {
        Data(Fingerprint.hex("simulator-oss-secret\n" + encodedPolicy).utf8).base64EncodedString()
    }

    /// Reads an encoded policy back; nil when it is not base64 JSON of the expected shape.
    init?(encoded text: String) {
        guard let data = Data(base64Encoded: text), let json = JSONValue.parse(Array(data)),
              let expirationText = json["expiration"]?.stringValue,
              let expiration = try? Date.ISO8601FormatStyle().parse(expirationText),
              let conditions = json["conditions"]?.arrayValue
        else { return nil }
        var maxBytes: Int?
        var keyPrefix: String?
        var exact: [(name: String, value: String)] = []
        for condition in conditions {
            if let list = condition.arrayValue, let kind = list.first?.stringValue {
                if kind == "content-length-range", list.count == 3 { maxBytes = list[2].intValue }
                if kind == "starts-with", list.count == 3, list[1].stringValue == "$key" { keyPrefix = list[2].stringValue }
            } else if let object = condition.objectValue {
                for (name, value) in object.sorted(by: { $0.key < $1.key }) {
                    if let text = value.stringValue { exact.append((name, text)) }
                }
            }
        }
        guard let maxBytes, let keyPrefix else { return nil }
        self.init(expiration: expiration, maxBytes: maxBytes, keyPrefix: keyPrefix, exactFields: exact)
    }

    init(expiration: Date, maxBytes: Int, keyPrefix: String, exactFields: [(name: String, value: String)]) {
        self.expiration = expiration
        self.maxBytes = maxBytes
        self.keyPrefix = keyPrefix
        self.exactFields = exactFields
    }
}
