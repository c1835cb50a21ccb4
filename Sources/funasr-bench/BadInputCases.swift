import DashScope

/// The malformed requests of `funasr-bench bad-input`: every one must get a 4xx (never a 5xx) and leave the gateway
/// serving. Case `index` is a deterministic function of the index, so a failing case can be replayed.
enum BadInputCases {
    /// How many distinct kinds of bad input there are (the index picks one, then varies it).
    static let kinds = 14

    /// The request for case `index`.
    static func request(_ index: Int) -> UpstreamRequest {
        var random = SplitMix(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let noise = (0..<Int(random.next() % 200)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let json = [("Content-Type", "application/json")]
        switch index % kinds {
        case 0: return UpstreamRequest(method: "POST", path: "/v1/transcriptions", headers: json, body: noise)
        case 1:
            let bodies = [
                #"{"file_urls": 5}"#, #"{"file_url": "ftp://x/a.wav"}"#, #"{"file_urls": []}"#, #"{"file_url": "https://a/b.wav", "speaker_count": "x"}"#,
                #"{"file_url": "https://a/b.wav", "bogus": 1}"#, #"{"file_url": "https://a/b.wav", "diarization_enabled": "yes"}"#,
                #"[1, 2]"#, #"{"file_url": null, "file_urls": null}"#, String(repeating: "[", count: 600),
            ]
            return UpstreamRequest(method: "POST", path: "/v1/transcriptions", headers: json, body: Array(bodies[index / kinds % bodies.count].utf8))
        case 2:
            let bodies = [
                #"{"audio_base64": "!!!not base64", "format": "wav"}"#, #"{"audio_url": "https://a/b"}"#, #"{"audio_url": "https://a/b.wav", "sample_rate": -1}"#,
                #"{"audio_url": 1}"#, #"{}"#, #"{"audio_url": "https://a/b.wav", "audio_base64": "AAAA"}"#, #"{"audio_url": "https://a/b.wav", "stream": "maybe"}"#,
            ]
            return UpstreamRequest(method: "POST", path: "/v1/flash", headers: json, body: Array(bodies[index / kinds % bodies.count].utf8))
        case 3: return UpstreamRequest(method: "POST", path: "/v1/realtime", headers: [("Content-Type", "text/plain")], body: noise)
        case 4:
            let paths = ["/v1/transcriptions/a%2Fb", "/v1/transcriptions/" + String(repeating: "x", count: 200), "/v1/transcriptions/ok?wait=-1",
                         "/v1/transcriptions/ok?include=everything", "/v1/transcriptions/ok/transcript?format=doc", "/v1/transcriptions/ok/transcript?file=-2"]
            return UpstreamRequest(method: "GET", path: paths[index / kinds % paths.count])
        case 5:
            let queries = [("page_size", "0"), ("page", "-3"), ("start_time", "yesterday"), ("status", "DONE"), ("page_size", "abc")]
            let query = queries[index / kinds % queries.count]
            return UpstreamRequest(method: "GET", path: "/v1/transcriptions", query: [(query.0, query.1)])
        case 6:
            return UpstreamRequest(
                method: "POST", path: "/v1/audio/transcriptions",
                headers: [("Content-Type", index % 2 == 0 ? "multipart/form-data; boundary=zz" : "multipart/form-data")], body: noise)
        case 7: return UpstreamRequest(method: ["PUT", "PATCH", "DELETE"][index / kinds % 3], path: "/v1/flash", headers: json, body: noise)
        case 8: return UpstreamRequest(method: "GET", path: "/v2/" + String(index))
        case 9: return UpstreamRequest(method: "POST", path: "/api/v1/services/audio/asr/transcription", headers: json, body: noise)
        case 10:
            let bodies = [#"{"prefix": "BAD", "words": ["a"]}"#, #"{"prefix": "ok", "words": [{"text": "a", "weight": 9}]}"#, #"{"words": []}"#]
            return UpstreamRequest(method: "POST", path: "/v1/vocabularies", headers: json, body: Array(bodies[index / kinds % bodies.count].utf8))
        case 11: return UpstreamRequest(method: "POST", path: "/v1/flash", headers: [("Content-Type", "audio/wav")], body: [])
        case 12: return UpstreamRequest(method: "GET", path: "/v1/models/" + String(repeating: "m", count: Int(random.next() % 300)))
        default: return UpstreamRequest(method: "POST", path: "/v1/transcriptions/ok/cancel", headers: json, body: noise)
        }
    }
}

/// A small deterministic random number generator (SplitMix64).
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
