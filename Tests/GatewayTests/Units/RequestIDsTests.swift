@testable import Gateway
import Testing

/// New request ids: UUID version-4 form, lowercase, never repeated.
@Suite struct RequestIDsTests {
    @Test func idsAreLowercaseVersion4UUIDsAndDistinct() {
        var seen = Set<String>()
        var malformed: [String] = []
        for _ in 0..<20_000 {
            let id = RequestIDs.next()
            if !Self.isVersion4(id) { malformed.append(id) }
            seen.insert(id)
        }
        #expect(malformed.isEmpty, "\(malformed.prefix(3))")
        #expect(seen.count == 20_000)
    }

    private static func isVersion4(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 36, bytes[14] == UInt8(ascii: "4"), "89ab".utf8.contains(bytes[19]) else { return false }
        for (index, byte) in bytes.enumerated() {
            let valid = [8, 13, 18, 23].contains(index) ? byte == UInt8(ascii: "-") : "0123456789abcdef".utf8.contains(byte)
            if !valid { return false }
        }
        return true
    }
}
