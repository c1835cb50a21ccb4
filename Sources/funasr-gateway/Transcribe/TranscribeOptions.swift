/// The recognition options a `transcribe` run sends with every file, as the raw-audio submit's query string.
struct TranscribeOptions: Sendable {
    var model: String?
    var languageHints: String?
    var diarization: Bool
    var vocabularyID: String?

    /// The query items for `POST /v1/transcriptions` with a raw audio body named `fileName`.
    func queryItems(fileName: String) -> [(String, String)] {
        var items = [("filename", fileName)]
        if let model { items.append(("model", model)) }
        if let languageHints { items.append(("language_hints", languageHints)) }
        if diarization { items.append(("diarization_enabled", "true")) }
        if let vocabularyID { items.append(("vocabulary_id", vocabularyID)) }
        return items
    }

    /// `name=value&…` with every byte outside RFC 3986's unreserved set percent-encoded.
    static func encode(_ items: [(String, String)]) -> String {
        items.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    private static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                encoded += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return encoded
    }
}

/// A local audio file's name and the content type its extension implies.
struct AudioFileName: Sendable {
    /// The path as given.
    let path: String

    /// The last path component.
    var baseName: String { String(path.split(separator: "/", omittingEmptySubsequences: true).last ?? Substring(path)) }

    /// The base name without its extension (`talk.wav` → `talk`).
    var stem: String {
        let name = baseName
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// `audio/…` (or `video/…`) from the extension; `application/octet-stream` when unknown (the gateway accepts it).
    var contentType: String {
        let name = baseName
        let ext = name.lastIndex(of: ".").map { name[name.index(after: $0)...].lowercased() } ?? ""
        switch ext {
        case "wav": return "audio/wav"
        case "mp3": return "audio/mpeg"
        case "m4a": return "audio/mp4"
        case "aac": return "audio/aac"
        case "flac": return "audio/flac"
        case "ogg", "opus": return "audio/ogg"
        case "amr": return "audio/amr"
        case "webm": return "audio/webm"
        case "mp4": return "video/mp4"
        case "pcm": return "audio/pcm"
        default: return "application/octet-stream"
        }
    }

    /// The transcript's path in `directory`: `stem` (the file's own unless given) with the format's extension.
    func transcriptPath(in directory: String, format: TranscriptOutputFormat, stem: String? = nil) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + (stem ?? self.stem) + "." + format.fileExtension
    }

    /// Output stems for a batch, one per file: a stem met again gets `-2`, `-3`… (`a/talk.wav` and `b/talk.wav`
    /// must not overwrite each other's transcript).
    static func uniqueStems(_ files: [AudioFileName]) -> [String] {
        var taken: Set<String> = []
        return files.map { file in
            var candidate = file.stem
            var number = 1
            while taken.contains(candidate) {
                number += 1
                candidate = "\(file.stem)-\(number)"
            }
            taken.insert(candidate)
            return candidate
        }
    }
}
