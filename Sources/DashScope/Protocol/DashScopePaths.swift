/// DashScope's API paths and the headers each needs (dashscope-api.md §3–§7).
public enum DashScopePaths {
    /// Submit an async file transcription (needs `X-DashScope-Async: enable`).
    public static let transcription = "/api/v1/services/audio/asr/transcription"
    /// Fun-ASR-Flash and Fun-ASR-Realtime over HTTP (`X-DashScope-SSE: enable` for an event stream).
    public static let generation = "/api/v1/services/aigc/multimodal-generation/generation"
    /// The live-audio (duplex WebSocket) endpoint of Fun-ASR realtime.
    public static let liveAudio = "/api-ws/v1/inference"
    /// Hot-word vocabularies: create, list, query, update, delete (`input.action` says which).
    public static let customization = "/api/v1/services/audio/asr/customization"
    /// The task list.
    public static let tasks = "/api/v1/tasks"
    /// The temporary-upload policy (`?action=getPolicy&model=…`).
    public static let uploads = "/api/v1/uploads"

    /// One task.
    public static func task(_ id: String) -> String { "/api/v1/tasks/\(id)" }

    /// Cancelling one task.
    public static func cancel(_ id: String) -> String { "/api/v1/tasks/\(id)/cancel" }

    /// True for the paths whose JSON body must carry a `parameters` object (without it DashScope accepts a task
    /// and then fails it).
    public static func needsParameters(_ path: String) -> Bool {
        path == transcription || path == generation
    }

    /// The headers a request to `path` with `body` needs and lacks: `X-DashScope-Async: enable` on submit, and
    /// `X-DashScope-OssResourceResolve: enable` when the body names an `oss://` URL. Names already in `present`
    /// (lowercased) are left as the client set them.
    public static func requiredHeaders(path: String, body: [UInt8]?, present: Set<String>) -> [(name: String, value: String)] {
        var added: [(name: String, value: String)] = []
        if path == transcription, !present.contains("x-dashscope-async") {
            added.append(("X-DashScope-Async", "enable"))
        }
        if let body, !present.contains("x-dashscope-ossresourceresolve"), containsOSSURL(body) {
            added.append(("X-DashScope-OssResourceResolve", "enable"))
        }
        return added
    }

    private static let ossScheme = Array("\"oss://".utf8)

    /// Bodies that name files by URL are small; larger ones carry inline audio and are not searched.
    static let ossSearchLimit = 1 << 20

    /// True when a JSON body holds a string starting with `oss://` (a byte search: no parse on the hot path).
    static func containsOSSURL(_ body: [UInt8]) -> Bool {
        guard body.count >= ossScheme.count, body.count <= ossSearchLimit else { return false }
        var index = 0
        while index <= body.count - ossScheme.count {
            // ASCII letters compare case-insensitively (`| 0x20`); the other scheme bytes are unaffected by it.
            if body[index] == UInt8(ascii: "\""),
               body[index..<(index + ossScheme.count)].elementsEqual(ossScheme, by: { $0 | 0x20 == $1 | 0x20 }) {
                return true
            }
            index += 1
        }
        return false
    }
}
