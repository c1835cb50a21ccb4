// A `multipart/form-data` body read whole (RFC 7578 over RFC 2046 §5.1), over the incremental
// MultipartStreamReader, plus the header parsing both share. It replaced
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
    static func parse(_ body: [UInt8], contentType: String?, limit: @escaping @Sendable (String) -> Int) throws(MultipartFormError) -> [FormPart] {
        var comparisons = 0
        return try parse(body, contentType: contentType, limit: limit, comparisons: &comparisons)
    }

    /// The same, counting the byte comparisons its searches made in `comparisons` (tests prove the work is linear).
    static func parse(
        _ body: [UInt8], contentType: String?, limit: @escaping @Sendable (String) -> Int, comparisons: inout Int
    ) throws(MultipartFormError) -> [FormPart] {
        guard let boundary = boundary(contentType: contentType) else { throw .notMultipart }
        var reader = MultipartStreamReader(boundary: boundary, limit: limit)
        var parts: [FormPart] = []
        let events: [MultipartEvent]
        do {
            events = try reader.feed(body)
            try reader.finish()
        } catch {
            comparisons += reader.comparisons
            throw error
        }
        comparisons += reader.comparisons
        for event in events {
            switch event {
            case .partStart(let part): parts.append(part)
            case .content(let bytes): parts[parts.count - 1].body += bytes
            case .partEnd: break
            }
        }
        return parts
    }

    /// A part with its name, filename and content type from its header lines.
    static func headers(_ bytes: ArraySlice<UInt8>) throws(MultipartFormError) -> FormPart {
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
