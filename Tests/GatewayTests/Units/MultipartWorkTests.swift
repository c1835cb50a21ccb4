@testable import Gateway
import Testing

/// The multipart reader does work linear in the body, whatever the body holds: counted byte comparisons, not time.
@Suite struct MultipartWorkTests {
    /// A 190-dash boundary ending in `x`: a body of dashes matches its first 190 bytes everywhere.
    static let boundary = String(repeating: "-", count: 190) + "x"

    static func form(content: [UInt8], preamble: [UInt8] = []) -> [UInt8] {
        preamble + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\n".utf8)
            + content + Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// Parses on a thread of its own: at sanitizer speed a few MiB take many seconds, and on the cooperative pool
    /// (as wide as the cores) two of these starved every in-process server of the parallel suite.
    static func parse(_ content: [UInt8], preamble: [UInt8] = []) async throws -> (parts: [FormPart], comparisons: Int) {
        try await offPool {
            var comparisons = 0
            let parts = try MultipartForm.parse(
                form(content: content, preamble: preamble), contentType: "multipart/form-data; boundary=\"\(boundary)\"",
                limit: { _ in 8 << 20 }, comparisons: &comparisons)
            return (parts, comparisons)
        }
    }

    @Test(arguments: [1, 4])
    func aBodyOfDashesCostsLinearWork(mebibytes: Int) async throws {
        let content = [UInt8](repeating: UInt8(ascii: "-"), count: mebibytes << 20)
        let (parts, comparisons) = try await Self.parse(content)
        #expect(parts.count == 1 && parts[0].body == content)
        let n = Self.form(content: content).count
        print("multipart: \(mebibytes) MiB of dashes, \(comparisons) comparisons (\(Double(comparisons) / Double(n)) per byte)")
        #expect(comparisons <= 4 * n)
    }

    @Test(arguments: [1, 4])
    func repeatedBoundaryPrefixesCostLinearWork(mebibytes: Int) async throws {
        // CRLF, "--" and the boundary but its last byte, again and again: a near-match at every line.
        let nearMatch = Array("\r\n--\(Self.boundary.dropLast())".utf8)
        var content: [UInt8] = []
        while content.count < mebibytes << 20 { content += nearMatch }
        let (parts, comparisons) = try await Self.parse(content)
        #expect(parts.count == 1 && parts[0].body == content)
        let n = Self.form(content: content).count
        print("multipart: \(mebibytes) MiB of boundary prefixes, \(comparisons) comparisons (\(Double(comparisons) / Double(n)) per byte)")
        #expect(comparisons <= 4 * n)
    }

    @Test(arguments: [1, 4])
    func aPreambleOfDashesCostsLinearWork(mebibytes: Int) async throws {
        // The first delimiter is searched byte by byte: every dash starts a 190-byte near-match.
        let preamble = [UInt8](repeating: UInt8(ascii: "-"), count: mebibytes << 20) + [13, 10]
        let (parts, comparisons) = try await Self.parse(Array("v".utf8), preamble: preamble)
        #expect(parts.count == 1 && parts[0].body == Array("v".utf8))
        let n = Self.form(content: Array("v".utf8), preamble: preamble).count
        print("multipart: \(mebibytes) MiB preamble of dashes, \(comparisons) comparisons (\(Double(comparisons) / Double(n)) per byte)")
        #expect(comparisons <= 4 * n)
    }

    @Test(arguments: [1, 4])
    func delimitersInsideAPreambleLineCostLinearWork(mebibytes: Int) async throws {
        // Whole delimiters that are not at a line start: each is a full match the reader must skip.
        let line = Array("x--\(Self.boundary)".utf8)
        var preamble: [UInt8] = []
        while preamble.count < mebibytes << 20 { preamble += line }
        preamble += [13, 10]
        let (parts, comparisons) = try await Self.parse(Array("v".utf8), preamble: preamble)
        #expect(parts.count == 1 && parts[0].body == Array("v".utf8))
        let n = Self.form(content: Array("v".utf8), preamble: preamble).count
        print("multipart: \(mebibytes) MiB of mid-line delimiters, \(comparisons) comparisons (\(Double(comparisons) / Double(n)) per byte)")
        #expect(comparisons <= 4 * n)
    }
}
