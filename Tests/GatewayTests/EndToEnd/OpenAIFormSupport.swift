import Foundation

/// A multipart/form-data body built by hand, and a WAV tone, for the OpenAI tests.
struct OpenAIForm {
    let boundary = "----gateway-test-\(UUID().uuidString)"
    var body: [UInt8] = []

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    init(fields: [(String, String)], file: (name: String, type: String?, bytes: [UInt8])?) {
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\n"
            if let type = file.type { head += "Content-Type: \(type)\r\n" }
            body += Array((head + "\r\n").utf8) + file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
    }

    /// A mono 16-bit 16 kHz WAV of a tone.
    static func wav(seconds: Double) -> [UInt8] {
        let samples = Int(seconds * 16000)
        func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        func le16(_ value: Int) -> [UInt8] { (0..<2).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        var data: [UInt8] = []
        for index in 0..<samples {
            data += le16(Int(Int16(6000 * sin(Double(index) * 2 * .pi * 440 / 16000))) & 0xFFFF)
        }
        return Array("RIFF".utf8) + le32(36 + data.count) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
            + le32(16000) + le32(32000) + le16(2) + le16(16) + Array("data".utf8) + le32(data.count) + data
    }

    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
