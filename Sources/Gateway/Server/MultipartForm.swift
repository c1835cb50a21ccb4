// A `multipart/form-data` reader (RFC 7578 over RFC 2046 §5.1) for the OpenAI upload route. The body is
// already in memory (the server buffers it under the route's cap), so this walks it once. It replaced
// MultipartKit, whose `import Foundation` alone kept ~6 MB of Foundation/ICU libraries resident in every
// gateway process.

/// One part of a `multipart/form-data` body.
struct FormPart: Sendable, Equatable {
    /// The `name` of its Content-Disposition.
    var name: String
    /// The `filename` of its Content-Disposition, for file parts.
    var filename: String?
    /// Its Content-Type header.
    var contentType: String?
    /// Its bytes.
    var body: [UInt8]
}

/// Why a form could not be read.
enum MultipartFormError: Error, Equatable {
    /// The Content-Type is not `multipart/form-data` with a boundary.
    case notMultipart
    /// The body does not follow the multipart syntax, or ends inside a part.
    case malformed(String)
    /// A part is larger than its cap (`limit` bytes).
    case partTooLarge(name: String, limit: Int)
}

/// Splits a `multipart/form-data` body into its parts, each checked against its cap.
enum MultipartForm {
    /// Part headers larger than this are refused (a part's headers are a few short lines).
    static let headerLimit = 16 * 1024

    /// The boundary of a `multipart/form-data` Content-Type, or nil.
    static func boundary(contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parameters = HeaderParameters.parse(contentType)
        guard parameters.value.lowercased() == "multipart/form-data", let boundary = parameters["boundary"],
              (1...200).contains(boundary.utf8.count)
        else { return nil }
        return boundary
    }

    /// The parts of `body`; `limit(name)` caps each part by its field name.
    static func parse(_ body: [UInt8], contentType: String?, limit: (String) -> Int) throws(MultipartFormError) -> [FormPart] {
        var comparisons = 0
        return try parse(body, contentType: contentType, limit: limit, comparisons: &comparisons)
    }

    /// The same, counting the byte comparisons its searches made in `comparisons` (tests prove the work is linear).
    static func parse(
        _ body: [UInt8], contentType: String?, limit: (String) -> Int, comparisons: inout Int
    ) throws(MultipartFormError) -> [FormPart] {
        guard let boundary = boundary(contentType: contentType) else { throw .notMultipart }
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [0x0D, 0x0A]
        // Every search is linear in what it scans (BytePattern), so a hostile body costs O(n) in all.
        let nextDelimiter = BytePattern(crlf + delimiter)
        let headerEnd = BytePattern([0x0D, 0x0A, 0x0D, 0x0A])
        // The first delimiter may follow a preamble (at the very start or right after a CRLF); every later one is
        // preceded by CRLF.
        let atLineStart = { (index: Int) in index == 0 || (index >= 2 && body[index - 2] == 0x0D && body[index - 1] == 0x0A) }
        guard var cursor = BytePattern(delimiter).firstMatch(in: body, from: 0, comparisons: &comparisons, accept: atLineStart) else {
            throw .malformed("the multipart body has no parts")
        }
        cursor += delimiter.count
        var parts: [FormPart] = []
        while true {
            if body[cursor...].starts(with: [0x2D, 0x2D]) { break }  // "--": the closing delimiter
            cursor = skipTransportPadding(body, from: cursor)
            guard body[cursor...].starts(with: crlf) else {
                throw .malformed("a multipart boundary line has trailing characters")
            }
            cursor += 2
            guard let headersEnd = headerEnd.firstMatch(
                      in: body, from: cursor - 2, end: cursor + headerLimit + 4, comparisons: &comparisons)
            else { throw .malformed("the multipart body ended inside a part's headers") }
            var part = try headers(body[cursor..<max(cursor, headersEnd)])
            let contentStart = headersEnd + 4
            // From two bytes back: with an empty body the header block's last CRLF is also the delimiter's.
            guard let next = nextDelimiter.firstMatch(in: body, from: contentStart - 2, comparisons: &comparisons) else {
                throw .malformed("the multipart body ended inside a part (no closing boundary)")
            }
            let contentEnd = max(contentStart, next)
            let cap = limit(part.name)
            guard contentEnd - contentStart <= cap else { throw .partTooLarge(name: part.name, limit: cap) }
            part.body = Array(body[contentStart..<contentEnd])
            parts.append(part)
            cursor = next + 2 + delimiter.count
        }
        guard !parts.isEmpty else { throw .malformed("the multipart body has no parts") }
        if let unnamed = parts.first(where: { $0.name.isEmpty }) {
            throw .malformed("a part has no name in its Content-Disposition (\(unnamed.filename ?? "no filename"))")
        }
        return parts
    }

    /// A part with its name, filename and content type from its header lines.
    private static func headers(_ bytes: ArraySlice<UInt8>) throws(MultipartFormError) -> FormPart {
        var part = FormPart(name: "", body: [])
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            let text = String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else {
                throw .malformed("a multipart part header has no colon")
            }
            let value = text[text.index(after: colon)...].trimmingWhitespace()
            switch text[..<colon].trimmingWhitespace().lowercased() {
            case "content-disposition":
                let parameters = HeaderParameters.parse(value)
                part.name = parameters["name"] ?? ""
                part.filename = parameters["filename*"].flatMap(HeaderParameters.decodeExtended) ?? parameters["filename"]
            case "content-type":
                part.contentType = value
            default:
                break
            }
        }
        return part
    }

    /// Spaces and tabs a sender may put after a boundary (RFC 2046's transport padding).
    private static func skipTransportPadding(_ body: [UInt8], from start: Int) -> Int {
        var index = start
        while index < body.count, body[index] == 0x20 || body[index] == 0x09 { index += 1 }
        return index
    }
}

/// A header value with `;`-separated parameters, e.g. `form-data; name="file"; filename="a.wav"`.
struct HeaderParameters: Sendable, Equatable {
    /// The part before the first `;`, trimmed.
    var value: String
    /// The parameters, names lowercased, quoted strings unquoted.
    var parameters: [String: String]

    /// A parameter by (lowercase) name.
    subscript(name: String) -> String? { parameters[name] }

    /// Splits a header value at `;` outside quoted strings.
    static func parse(_ text: String) -> HeaderParameters {
        var pieces: [String] = []
        var piece = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                piece.append(character)
                escaped = false
            } else if quoted, character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";", !quoted {
                pieces.append(piece)
                piece = ""
            } else {
                piece.append(character)
            }
        }
        pieces.append(piece)
        var parameters: [String: String] = [:]
        for item in pieces.dropFirst() {
            guard let equals = item.firstIndex(of: "=") else { continue }
            let name = item[..<equals].trimmingWhitespace().lowercased()
            if parameters[name] == nil { parameters[name] = item[item.index(after: equals)...].trimmingWhitespace() }
        }
        return HeaderParameters(value: pieces[0].trimmingWhitespace(), parameters: parameters)
    }

    /// The text of an RFC 8187 extended value such as `UTF-8''a%20b.wav`.
    static func decodeExtended(_ text: String) -> String? {
        let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return nil }
        return percentDecoded(parts[2])
    }

    /// `%XX` escapes decoded as UTF-8; nil for a bad escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
