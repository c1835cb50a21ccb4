@testable import Gateway
import Testing

/// The incremental multipart reader: the same parts whatever the pieces the body arrives in.
@Suite struct MultipartStreamReaderTests {
    static let boundary = "b0und-ary"

    /// A form with an empty part, a part whose content holds near-boundaries, and a file part.
    static let form: [UInt8] = Array((
        "preamble line\r\n--b0und-ar-y\r\n"
            + "--b0und-ary  \r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n"
            + "\r\n--b0und-ary\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--b0und-ar\r\n-\r\n"
            + "\r\n--b0und-ary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
            + "RIFF\r\n\r\n--b0und\r--b0und-arx\u{1}\r\n--b0und-ary--\r\nepilogue --b0und-ary\r\n").utf8)

    static let expected: [FormPart] = [
        FormPart(name: "empty", body: []),
        FormPart(name: "model", body: Array("whisper-1\r\n--b0und-ar\r\n-\r\n".utf8)),
        FormPart(name: "file", filename: "a.wav", contentType: "audio/wav", body: Array("RIFF\r\n\r\n--b0und\r--b0und-arx\u{1}".utf8)),
    ]

    /// The parts read from `pieces` fed one after the other.
    static func read(_ pieces: [[UInt8]], limit: @escaping @Sendable (String) -> Int = { _ in 1 << 20 }) throws(MultipartFormError) -> [FormPart] {
        var reader = MultipartStreamReader(boundary: boundary, limit: limit)
        var parts: [FormPart] = []
        var open = false
        for piece in pieces {
            for event in try reader.feed(piece) {
                switch event {
                case .partStart(let part):
                    #expect(!open)
                    parts.append(part)
                    open = true
                case .content(let bytes):
                    #expect(open)
                    parts[parts.count - 1].body += bytes
                case .partEnd:
                    open = false
                }
            }
        }
        try reader.finish()
        #expect(!open)
        return parts
    }

    @Test func theWholeBodyInOnePiece() throws {
        #expect(try Self.read([Self.form]) == Self.expected)
        #expect(try MultipartForm.parse(Self.form, contentType: "multipart/form-data; boundary=\(Self.boundary)") { _ in 1 << 20 } == Self.expected)
    }

    @Test func splitInTwoAtEveryPosition() throws {
        for cut in 0...Self.form.count {
            let parts = try Self.read([Array(Self.form[..<cut]), Array(Self.form[cut...])])
            #expect(parts == Self.expected, "cut at \(cut)")
        }
    }

    @Test func splitInThreeAroundEveryPosition() throws {
        for cut in 1..<Self.form.count {
            for width in [1, 2, 3, 5, 13] where cut + width <= Self.form.count {
                let pieces = [Array(Self.form[..<cut]), Array(Self.form[cut..<(cut + width)]), Array(Self.form[(cut + width)...])]
                #expect(try Self.read(pieces) == Self.expected, "cut at \(cut), width \(width)")
            }
        }
    }

    @Test func oneByteAtATime() throws {
        #expect(try Self.read(Self.form.map { [$0] }) == Self.expected)
    }

    @Test func aBodyWithoutTheClosingDelimiterFailsAtTheEnd() {
        let truncated = Array(Self.form[..<(Self.form.count - 30)])
        #expect(throws: MultipartFormError.malformed("the multipart body ended inside a part (no closing boundary)")) {
            try Self.read([truncated])
        }
        let noParts = Array("just a preamble\r\n--b0und-ar".utf8)
        #expect(throws: MultipartFormError.malformed("the multipart body has no parts")) { try Self.read([noParts]) }
        let insideHeaders = Array("--b0und-ary\r\nContent-Disposition: form-data; name=\"x\"\r\n".utf8)
        #expect(throws: MultipartFormError.malformed("the multipart body ended inside a part's headers")) { try Self.read([insideHeaders]) }
    }

    @Test func aPartPastItsCapFailsAsSoonAsItPassesIt() throws {
        var reader = MultipartStreamReader(boundary: Self.boundary) { $0 == "file" ? 10 : 1000 }
        let head = Array("--b0und-ary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n".utf8)
        _ = try reader.feed(head + Array(repeating: 0x41, count: 10))
        #expect(throws: MultipartFormError.partTooLarge(name: "file", limit: 10)) {
            _ = try reader.feed([0x41, 0x41, 0x41, 0x41, 0x41])
        }
        // Exactly at the cap is fine, whatever the pieces.
        let exact = head + Array(repeating: 0x41, count: 10) + Array("\r\n--b0und-ary--".utf8)
        for cut in 0...exact.count {
            let parts = try Self.read([Array(exact[..<cut]), Array(exact[cut...])]) { $0 == "file" ? 10 : 1000 }
            #expect(parts.first?.body.count == 10)
        }
    }

    @Test func headersPastTheirLimitAndUnnamedPartsAreRefused() {
        let long = Array(("--b0und-ary\r\nX-Filler: " + String(repeating: "x", count: MultipartForm.headerLimit + 10)).utf8)
        #expect(throws: MultipartFormError.self) { try Self.read([long]) }
        let unnamed = Array("--b0und-ary\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b0und-ary--".utf8)
        #expect(throws: MultipartFormError.malformed("a part has no name in its Content-Disposition (no filename)")) {
            try Self.read([unnamed])
        }
        let trailing = Array("--b0und-aryX\r\n".utf8)
        #expect(throws: MultipartFormError.malformed("a multipart boundary line has trailing characters")) { try Self.read([trailing]) }
    }

    @Test func contentIsHandedOnAsSlicesWithoutTheDelimiter() throws {
        var reader = MultipartStreamReader(boundary: Self.boundary) { _ in 1 << 20 }
        let events = try reader.feed(Array("--b0und-ary\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc\r\n--b0und-ary--".utf8))
        #expect(events == [
            .partStart(FormPart(name: "f", body: [])), .content(ArraySlice(Array("abc".utf8))), .partEnd,
        ])
    }
}
