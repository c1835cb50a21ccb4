import DashScope
import Gateway
import Testing

@Suite struct TranscriptionSubmissionTests {
    private static let url = "https://example.com/a.wav"

    private func submit(_ json: String) throws(RequestValidationError) -> TranscriptionSubmission {
        try TranscriptionSubmission(body: Array(json.utf8))
    }

    private func upstream(_ json: String) throws -> String {
        DashScopeSamples.text(try submit(json).upstreamBody)
    }

    @Test("minimal body: default model, parameters present and empty")
    func minimalBody() throws {
        #expect(try upstream(#"{"file_url":"https://example.com/a.wav"}"#)
            == #"{"input":{"file_urls":["https://example.com/a.wav"]},"model":"fun-asr","parameters":{}}"#)
        #expect(try upstream(#"{"file_urls":["https://example.com/a.wav"],"model":"fun-asr-mtl"}"#)
            == #"{"input":{"file_urls":["https://example.com/a.wav"]},"model":"fun-asr-mtl","parameters":{}}"#)
    }

    @Test("parameters is present even when every option is null")
    func parametersAlwaysPresent() throws {
        let body = #"{"file_url":"https://example.com/a.wav","model":null,"language_hints":null,"parameters":null}"#
        let submission = try submit(body)
        #expect(submission.upstreamBody["parameters"] == .object([:]))
        #expect(submission.model == "fun-asr")
        #expect(String(decoding: submission.upstreamBodyBytes, as: UTF8.self).contains(#""parameters":{}"#))
    }

    @Test("every flat option lands in parameters")
    func allOptions() throws {
        let body = #"""
        {"file_urls":["https://example.com/a.wav","oss://dashscope-instant/x/b.mp3"],"model":"fun-asr-2025-11-07",
         "language_hints":["zh","en"],"diarization_enabled":true,"speaker_count":3,"vocabulary_id":"vocab-1",
         "channel_id":[0,1],"special_word_filter":{"filter_with_empty":{"word_list":["x"]},"system_reserved_filter":true},
         "parameters":{"disfluency_removal_enabled":true}}
        """#
        let expected = #"{"input":{"file_urls":["https://example.com/a.wav","oss://dashscope-instant/x/b.mp3"]},"#
            + #""model":"fun-asr-2025-11-07","parameters":{"channel_id":[0,1],"diarization_enabled":true,"#
            + #""disfluency_removal_enabled":true,"language_hints":["zh","en"],"speaker_count":3,"#
            + #""special_word_filter":"{\"filter_with_empty\":{\"word_list\":[\"x\"]},\"system_reserved_filter\":true}","#
            + #""vocabulary_id":"vocab-1"}}"#
        #expect(try upstream(body) == expected)
        #expect(try needsOssResolve(submit(body)))
    }

    /// Whether the DashScope client will add `X-DashScope-OssResourceResolve` to this submission's upstream body.
    private func needsOssResolve(_ submission: TranscriptionSubmission) -> Bool {
        DashScopePaths.requiredHeaders(
            path: DashScopePaths.transcription, body: submission.upstreamBodyBytes, present: ["x-dashscope-async"]
        ).contains { $0.name == "X-DashScope-OssResourceResolve" }
    }

    @Test("special_word_filter given as JSON text is passed through verbatim")
    func specialWordFilterString() throws {
        let filter = #"{"filter_with_signed":{"word_list":["a"]}}"#
        let body = #"{"file_url":"https://example.com/a.wav","special_word_filter":"{\"filter_with_signed\":{\"word_list\":[\"a\"]}}"}"#
        #expect(try submit(body).parameters["special_word_filter"] == .string(filter))
    }

    @Test("speaker_count is accepted when diarization is enabled inside parameters")
    func speakerCountWithNestedDiarization() throws {
        let body = #"{"file_url":"https://example.com/a.wav","speaker_count":2,"parameters":{"diarization_enabled":true}}"#
        #expect(try submit(body).parameters == ["diarization_enabled": .bool(true), "speaker_count": .number(2)])
    }

    @Test("an empty language_hints is dropped (auto-detect)")
    func emptyLanguageHints() throws {
        #expect(try submit(#"{"file_url":"https://example.com/a.wav","language_hints":[]}"#).parameters == [:])
    }

    @Test("100 URLs are accepted")
    func hundredURLs() throws {
        let urls = (0..<100).map { "\"https://example.com/\($0).wav\"" }.joined(separator: ",")
        #expect(try submit(#"{"file_urls":["# + urls + "]}").fileURLs.count == 100)
    }

    @Test("the oss:// resolve header is added when any URL is oss://", arguments: [
        (["https://example.com/a.wav"], false),
        (["oss://dashscope-instant/dir/a.wav"], true),
        (["https://example.com/a.wav", "OSS://bucket/b.wav"], true),
        (["http://example.com/oss://a.wav"], false),
    ])
    func ossFlag(urls: [String], expected: Bool) throws {
        let list = urls.map { "\"\($0)\"" }.joined(separator: ",")
        #expect(try needsOssResolve(submit(#"{"file_urls":["# + list + "]}")) == expected)
    }

    @Test("acceptable URLs", arguments: [
        "https://example.com/a.wav", "http://localhost:8080/a.mp3", "oss://dashscope-instant/abc/2024-07-18/x.wav",
        "HTTPS://EXAMPLE.COM/A.WAV", "https://user:secret@example.com/a.wav", "https://[::1]:8443/a.wav",
        "https://example.com", "https://例子.中国/音频.wav", "https://example.com/a%20b.wav?x=1#t",
    ])
    func acceptableURL(url: String) throws {
        #expect(try submit(#"{"file_url":""# + url + #""}"#).fileURLs == [url])
    }

    @Test("rejected URLs", arguments: [
        "ftp://example.com/a.wav", "https://", "https:///a.wav", "https://exa mple.com/a.wav",
        "https://example.com/a b.wav", "example.com/a.wav", "https://example.com:port/a.wav",
        " https://example.com/a.wav", "https://example.com/a.wav\\n", "file:///etc/passwd", "", "https://:80/a",
        "https://[::1/a.wav",
    ])
    func rejectedURL(url: String) {
        let body = #"{"file_urls":["https://example.com/ok.wav",""# + url + #""]}"#
        #expect(throws: RequestValidationError(
            "file_urls[1] must be an http://, https:// or oss:// URL with a host and no whitespace",
            field: "file_urls[1]"
        )) { try submit(body) }
    }

    @Test("every validation rule and its message", arguments: [
        ("not json", "invalid JSON in request body", nil),
        ("", "invalid JSON in request body", nil),
        (#"["https://example.com/a.wav"]"#, "request body must be a JSON object", nil),
        (#""https://example.com/a.wav""#, "request body must be a JSON object", nil),
        ("{}", "file_urls (an array of audio URLs) or file_url is required", "file_urls"),
        (#"{"file_url":null}"#, "file_urls (an array of audio URLs) or file_url is required", "file_urls"),
        (#"{"file_url":"https://example.com/a.wav","file_urls":["https://example.com/a.wav"]}"#,
         "give either file_url or file_urls, not both", "file_urls"),
        (#"{"file_url":7}"#, "file_url must be a string", "file_url"),
        (#"{"file_url":"ftp://x/a.wav"}"#,
         "file_url must be an http://, https:// or oss:// URL with a host and no whitespace", "file_url"),
        (#"{"file_urls":"https://example.com/a.wav"}"#, "file_urls must be an array of URL strings", "file_urls"),
        (#"{"file_urls":[]}"#, "file_urls must hold 1 to 100 URLs", "file_urls"),
        (#"{"file_urls":[1]}"#, "file_urls[0] must be a string", "file_urls[0]"),
        (#"{"file_url":"https://example.com/a.wav","model":""}"#,
         "model must be a non-empty string without spaces", "model"),
        (#"{"file_url":"https://example.com/a.wav","model":"fun asr"}"#,
         "model must be a non-empty string without spaces", "model"),
        (#"{"file_url":"https://example.com/a.wav","model":1}"#,
         "model must be a non-empty string without spaces", "model"),
        (#"{"file_url":"https://example.com/a.wav","language_hints":"zh"}"#,
         #"language_hints must be an array of language codes such as "zh""#, "language_hints"),
        (#"{"file_url":"https://example.com/a.wav","language_hints":["zh",""]}"#,
         #"language_hints must be an array of language codes such as "zh""#, "language_hints"),
        (#"{"file_url":"https://example.com/a.wav","diarization_enabled":"true"}"#,
         "diarization_enabled must be true or false", "diarization_enabled"),
        (#"{"file_url":"https://example.com/a.wav","diarization_enabled":true,"speaker_count":1}"#,
         "speaker_count must be an integer from 2 to 100", "speaker_count"),
        (#"{"file_url":"https://example.com/a.wav","diarization_enabled":true,"speaker_count":101}"#,
         "speaker_count must be an integer from 2 to 100", "speaker_count"),
        (#"{"file_url":"https://example.com/a.wav","diarization_enabled":true,"speaker_count":2.5}"#,
         "speaker_count must be an integer from 2 to 100", "speaker_count"),
        (#"{"file_url":"https://example.com/a.wav","diarization_enabled":true,"speaker_count":"3"}"#,
         "speaker_count must be an integer from 2 to 100", "speaker_count"),
        (#"{"file_url":"https://example.com/a.wav","speaker_count":2}"#,
         "speaker_count is only allowed when diarization_enabled is true", "speaker_count"),
        (#"{"file_url":"https://example.com/a.wav","diarization_enabled":false,"speaker_count":2}"#,
         "speaker_count is only allowed when diarization_enabled is true", "speaker_count"),
        (#"{"file_url":"https://example.com/a.wav","vocabulary_id":""}"#,
         "vocabulary_id must be a non-empty string", "vocabulary_id"),
        (#"{"file_url":"https://example.com/a.wav","vocabulary_id":5}"#,
         "vocabulary_id must be a non-empty string", "vocabulary_id"),
        (#"{"file_url":"https://example.com/a.wav","channel_id":[]}"#,
         "channel_id must be a non-empty array of non-negative integers", "channel_id"),
        (#"{"file_url":"https://example.com/a.wav","channel_id":[-1]}"#,
         "channel_id must be a non-empty array of non-negative integers", "channel_id"),
        (#"{"file_url":"https://example.com/a.wav","channel_id":[0.5]}"#,
         "channel_id must be a non-empty array of non-negative integers", "channel_id"),
        (#"{"file_url":"https://example.com/a.wav","channel_id":0}"#,
         "channel_id must be a non-empty array of non-negative integers", "channel_id"),
        (#"{"file_url":"https://example.com/a.wav","special_word_filter":5}"#,
         "special_word_filter must be a JSON object or a string holding one", "special_word_filter"),
        (#"{"file_url":"https://example.com/a.wav","special_word_filter":"not json"}"#,
         "special_word_filter must be a JSON object or a string holding one", "special_word_filter"),
        (#"{"file_url":"https://example.com/a.wav","special_word_filter":"[1]"}"#,
         "special_word_filter must be a JSON object or a string holding one", "special_word_filter"),
        (#"{"file_url":"https://example.com/a.wav","parameters":[]}"#, "parameters must be a JSON object", "parameters"),
        (#"{"file_url":"https://example.com/a.wav","diarization_enabled":true,"parameters":{"diarization_enabled":true}}"#,
         "diarization_enabled is given both at top level and inside parameters; give it once", "diarization_enabled"),
        (#"{"file_url":"https://example.com/a.wav","vocabulary_id":"a","parameters":{"vocabulary_id":"b"}}"#,
         "vocabulary_id is given both at top level and inside parameters; give it once", "vocabulary_id"),
    ] as [(String, String, String?)])
    func validation(body: String, message: String, field: String?) {
        #expect(throws: RequestValidationError(message, field: field)) { try submit(body) }
    }

    @Test("an unknown field is named, even when null, with the allowed list")
    func unknownField() {
        let allowed = "callback_url, channel_id, diarization_enabled, file_url, file_urls, label, language_hints, model, parameters, "
            + "speaker_count, special_word_filter, vocabulary_id"
        #expect(throws: RequestValidationError(
            "unknown field 'lanugage_hints'; allowed fields are " + allowed, field: "lanugage_hints"
        )) { try submit(#"{"file_url":"https://example.com/a.wav","lanugage_hints":["zh"]}"#) }
        #expect(throws: RequestValidationError("unknown field 'input'; allowed fields are " + allowed, field: "input")) {
            try submit(#"{"input":null,"file_url":"https://example.com/a.wav"}"#)
        }
    }

    @Test("the built value matches the memberwise form")
    func memberwise() throws {
        let parsed = try submit(#"{"file_url":"https://example.com/a.wav","vocabulary_id":"v"}"#)
        #expect(parsed == TranscriptionSubmission(fileURLs: [Self.url], parameters: ["vocabulary_id": .string("v")]))
    }
}
