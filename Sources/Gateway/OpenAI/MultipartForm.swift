import Foundation
import MultipartKit

// This file imports MultipartKit alone: MultipartKit re-exports NIOHTTP1's HTTPHeaders, which would clash
// with MicroHTTPServer's in a file that imports both.

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
    /// A part grew past its cap (`limit` bytes); reading stopped there.
    case partTooLarge(name: String, limit: Int)
}

/// Reads a `multipart/form-data` body with MultipartKit's streaming parser, fed chunk by chunk, and stops
/// as soon as a part passes its cap, so an oversized file is never held whole.
enum MultipartForm {
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
    static func parse(
        _ body: [UInt8], contentType: String?, chunkSize: Int = 64 * 1024, limit: @escaping (String) -> Int
    ) throws(MultipartFormError) -> [FormPart] {
        guard let boundary = boundary(contentType: contentType) else { throw .notMultipart }
        let parser = MultipartParser(boundary: boundary)
        let state = ParseState()
        parser.onHeader = { name, value in state.header(name, value) }
        parser.onBody = { buffer in state.append(buffer.readableBytesView, limit: limit) }
        parser.onPartComplete = { state.complete() }
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + max(1, chunkSize))
            do {
                try parser.execute(Array(body[offset..<end]))
            } catch {
                throw .malformed("the multipart body is malformed")
            }
            if let tooLarge = state.tooLarge { throw tooLarge }
            offset = end
        }
        if state.inPart { throw .malformed("the multipart body ended inside a part (no closing boundary)") }
        guard !state.parts.isEmpty else { throw .malformed("the multipart body has no parts") }
        if let unnamed = state.parts.first(where: { $0.name.isEmpty }) {
            throw .malformed("a part has no name in its Content-Disposition (\(unnamed.filename ?? "no filename"))")
        }
        return state.parts
    }

    /// The parser's callbacks write here; it lives for one synchronous `parse` call.
    private final class ParseState {
        var parts: [FormPart] = []
        var current = FormPart(name: "", body: [])
        var inPart = false
        var tooLarge: MultipartFormError?

        func header(_ name: String, _ value: String) {
            inPart = true
            switch name.lowercased() {
            case "content-disposition":
                let parameters = HeaderParameters.parse(value)
                current.name = parameters["name"] ?? ""
                current.filename = parameters["filename*"].flatMap(HeaderParameters.decodeExtended) ?? parameters["filename"]
            case "content-type":
                current.contentType = value
            default:
                break
            }
        }

        func append(_ bytes: some Collection<UInt8>, limit: (String) -> Int) {
            inPart = true
            guard tooLarge == nil else { return }
            let cap = limit(current.name)
            guard current.body.count + bytes.count <= cap else {
                tooLarge = .partTooLarge(name: current.name, limit: cap)
                return
            }
            current.body.append(contentsOf: bytes)
        }

        func complete() {
            parts.append(current)
            current = FormPart(name: "", body: [])
            inPart = false
        }
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
            let name = item[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            if parameters[name] == nil { parameters[name] = item[item.index(after: equals)...].trimmingCharacters(in: .whitespaces) }
        }
        return HeaderParameters(value: pieces[0].trimmingCharacters(in: .whitespaces), parameters: parameters)
    }

    /// The text of an RFC 8187 extended value such as `UTF-8''a%20b.wav`.
    static func decodeExtended(_ text: String) -> String? {
        let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return nil }
        return String(parts[2]).removingPercentEncoding
    }
}
