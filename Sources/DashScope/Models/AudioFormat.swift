/// The audio formats DashScope's synchronous models accept, and how to infer one.
public enum AudioFormat {
    /// The 17 documented formats.
    public static let known: Set<String> = [
        "aac", "amr", "avi", "flac", "flv", "m4a", "mkv", "mov", "mp3", "mp4", "mpeg", "ogg", "opus", "wav",
        "webm", "wma", "wmv",
    ]

    /// The format named by a content type such as `audio/x-wav`, or nil.
    public static func fromContentType(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        let mime = contentType.split(separator: ";").first.map { trimmed($0).lowercased() } ?? ""
        let aliases: [String: String] = [
            "audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav", "audio/vnd.wave": "wav",
            "audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/ogg": "ogg", "audio/opus": "opus", "audio/flac": "flac",
            "audio/x-flac": "flac", "audio/aac": "aac", "audio/mp4": "m4a", "audio/x-m4a": "m4a", "audio/m4a": "m4a",
            "audio/webm": "webm", "audio/amr": "amr", "audio/x-ms-wma": "wma", "video/mp4": "mp4",
            "video/webm": "webm", "video/quicktime": "mov", "video/x-msvideo": "avi", "video/x-flv": "flv",
            "video/x-matroska": "mkv", "video/mpeg": "mpeg", "video/x-ms-wmv": "wmv",
        ]
        if let known = aliases[mime] { return known }
        if mime.hasPrefix("audio/") {
            let subtype = String(mime.dropFirst("audio/".count))
            return known.contains(subtype) ? subtype : nil
        }
        return nil
    }

    /// The format named by a URL path's extension, or nil.
    public static func fromURL(_ url: String) -> String? {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let ext = path[path.index(after: dot)...].lowercased()
        return known.contains(ext) ? ext : nil
    }

    /// The MIME type written into a data URI for a format.
    public static func mimeType(for format: String) -> String {
        switch format {
        case "mp3": "audio/mpeg"
        case "m4a": "audio/mp4"
        case "mp4", "mov", "avi", "mkv", "flv", "wmv", "mpeg": "video/\(format)"
        default: "audio/\(format)"
        }
    }

    /// The text without leading and trailing spaces or tabs.
    private static func trimmed(_ text: Substring) -> Substring {
        let isBlank = { (character: Character) in character == " " || character == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return text[first...last]
    }
}
