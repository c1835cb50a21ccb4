#if canImport(Glibc)
import Glibc
#endif

/// A `multipart/form-data` PostObject body as OSS reads it: the fields in order up to the `file` part, and the file.
/// Fields after the file are ignored, as OSS ignores them.
struct OSSForm: Sendable, Equatable {
    /// Text fields before the file, by lowercased name (OSS field names are case-insensitive).
    var fields: [String: String]
    /// The names of the fields in the order sent (as sent, not lowercased).
    var fieldOrder: [String]
    /// The file part's bytes, when there is one.
    var file: ArraySlice<UInt8>?
    /// The file part's Content-Type header.
    var fileContentType: String?

    /// Splits a body; nil when the Content-Type is not multipart/form-data with a boundary or the syntax is broken.
    static func parse(contentType: String?, body: [UInt8]) -> OSSForm? {
        guard let boundary = boundary(contentType) else { return nil }
        let delimiter = Array(("--" + boundary).utf8)
        let nextDelimiter = Array(("\r\n--" + boundary).utf8)
        let headerEnd = Array("\r\n\r\n".utf8)
        guard var cursor = find(delimiter, in: body, from: 0).map({ $0 + delimiter.count }) else { return nil }
        var form = OSSForm(fields: [:], fieldOrder: [], file: nil, fileContentType: nil)
        while true {
            if body[cursor...].starts(with: Array("--".utf8)) { return form }
            guard body[cursor...].starts(with: Array("\r\n".utf8)),
                  let headersEnd = find(headerEnd, in: body, from: cursor)
            else { return nil }
            let headers = String(decoding: body[(cursor + 2)..<headersEnd], as: UTF8.self)
            let contentStart = headersEnd + headerEnd.count
            guard let end = find(nextDelimiter, in: body, from: contentStart - 2) else { return nil }
            let content = body[contentStart..<max(contentStart, end)]
            let name = parameter("name", in: headers) ?? ""
            if name.lowercased() == "file" {
                form.file = content
                form.fileContentType = headerValue("content-type", in: headers)
                return form
            }
            form.fieldOrder.append(name)
            form.fields[name.lowercased()] = String(decoding: content, as: UTF8.self)
            cursor = end + nextDelimiter.count
        }
    }

    /// The offset of the first `needle` in `haystack` at or after `start`: libc's memchr finds each candidate first
    /// byte and memcmp checks it (a 100 MB upload is searched in well under a second even in a debug build, where a
    /// generic slice search took the better part of a minute).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard start >= 0, start <= haystack.count, !needle.isEmpty else { return nil }
        return haystack.withUnsafeBytes { hay -> Int? in
            needle.withUnsafeBytes { pattern -> Int? in
                guard let base = hay.baseAddress, let first = pattern.first, let patternBase = pattern.baseAddress else {
                    return nil
                }
                var offset = start
                while hay.count - offset >= pattern.count {
                    guard let hit = memchr(base + offset, Int32(first), hay.count - offset - pattern.count + 1) else {
                        return nil
                    }
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(hit, patternBase, pattern.count) == 0 { return position }
                    offset = position + 1
                }
                return nil
            }
        }
    }

    private static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
              let range = contentType.firstRange(of: "boundary=")
        else { return nil }
        var boundary = Substring(contentType[range.upperBound...])
        if let semicolon = boundary.firstIndex(of: ";") { boundary = boundary[..<semicolon] }
        let trimmed = boundary.trimmingCharacters { $0 == "\"" || $0 == " " }
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func parameter(_ name: String, in headers: String) -> String? {
        guard let range = headers.firstRange(of: "\(name)=\"") else { return nil }
        let rest = headers[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    private static func headerValue(_ name: String, in headers: String) -> String? {
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name else { continue }
            return line[line.index(after: colon)...].trimmingCharacters { $0 == " " }
        }
        return nil
    }
}

extension Substring {
    /// The text without leading and trailing characters that match.
    func trimmingCharacters(_ drop: (Character) -> Bool) -> String {
        String(self.drop(while: drop).reversed().drop(while: drop).reversed())
    }
}
