@testable import DashScope
@testable import Gateway
import JSON
import Testing

@Suite struct UploadFormTests {
    static let policyJSON = #"""
        {"request_id":"r1","data":{"policy":"cG9saWN5","signature":"c2ln","upload_dir":"dashscope-instant/abc/2026-12-01/x1",
         "upload_host":"https://dashscope-file-x.oss-cn-beijing.aliyuncs.com","expire_in_seconds":300,"max_file_size_mb":100,
         "capacity_limit_mb":999999999,"oss_access_key_id":"LTAI5tKey","x_oss_object_acl":"private","x_oss_forbid_overwrite":"true"}}
        """#

    static func policy() throws -> UploadPolicy {
        try UploadPolicy(json: try #require(JSONValue.parse(Array(policyJSON.utf8))))
    }

    @Test func theFormCarriesThePolicyFieldsInTheSDKsOrderWithTheFileLast() throws {
        let form = UploadForm(
            policy: try Self.policy(), fileName: "talk.wav", contentType: "audio/wav", unique: "u1", boundary: "B")
        #expect(form.key == "dashscope-instant/abc/2026-12-01/x1/u1-talk.wav")
        #expect(form.ossURL == "oss://dashscope-instant/abc/2026-12-01/x1/u1-talk.wav")
        #expect(form.contentType == "multipart/form-data; boundary=B")
        let whole = form.preamble + Array("RIFF".utf8) + form.epilogue
        let parts = try MultipartForm.parse(whole, contentType: form.contentType, limit: { _ in .max })
        #expect(parts.map(\.name) == [
            "OSSAccessKeyId", "Signature", "policy", "key", "x-oss-object-acl", "x-oss-forbid-overwrite",
            "success_action_status", "x-oss-content-type", "file",
        ])
        #expect(parts.map { String(decoding: $0.body, as: UTF8.self) } == [
            "LTAI5tKey", "c2ln", "cG9saWN5", form.key, "private", "true", "200", "audio/wav", "RIFF",
        ])
        #expect(parts.last?.filename == "talk.wav")
        #expect(form.contentLength(fileSize: 4) == whole.count)
    }

    @Test(arguments: [
        ("talk.wav", "talk.wav"), ("../../etc/passwd", "passwd"), ("C:\\rec\\a b\"c.mp3", "a_b_c.mp3"),
        ("语音.wav", "__.wav"), ("", "audio"), (".hidden", "hidden"), ("/", "audio"),
    ])
    func objectNamesAreSafeInAKeyAndAQuotedHeader(input: String, expected: String) {
        #expect(UploadForm.objectName(input) == expected)
    }

    @Test func aContentTypeThatCouldBreakTheFormIsReplaced() throws {
        let form = UploadForm(
            policy: try Self.policy(), fileName: "a.wav", contentType: "audio/wav\r\nX-Evil: 1", unique: "u", boundary: "B")
        #expect(!String(decoding: form.preamble, as: UTF8.self).contains("X-Evil"))
        #expect(String(decoding: form.preamble, as: UTF8.self).contains("Content-Type: application/octet-stream\r\n"))
    }

    @Test func ossErrorDocumentsAreRead() {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error>
              <Code>AccessDenied</Code>
              <Message>Invalid according to Policy: Policy Condition failed: [&quot;starts-with&quot;, &quot;$key&quot;]</Message>
              <RequestId>5C3D</RequestId>
            </Error>
            """
        let answer = OSSErrorAnswer(xml: Array(xml.utf8))
        #expect(answer?.code == "AccessDenied")
        #expect(answer?.message == #"Invalid according to Policy: Policy Condition failed: ["starts-with", "$key"]"#)
        #expect(answer?.requestID == "5C3D")
        #expect(OSSErrorAnswer(xml: Array(#"{"code":"x"}"#.utf8)) == nil)
        let refused = DashScopeClient.uploadError(UpstreamResponse(status: 403, headers: [], body: Array(xml.utf8), duration: .zero))
        #expect(refused == .uploadRefused(status: 403, code: "AccessDenied", message: answer?.message ?? ""))
        #expect(refused.code == "upload_refused")
    }

    @Test func storageFailuresBecomeTheirOwnStatuses() {
        #expect(GatewayError.upstream(.uploadRefused(status: 403, code: "SignatureDoesNotMatch", message: "m")).status == 502)
        #expect(GatewayError.upstream(.uploadRefused(status: 400, code: "EntityTooLarge", message: "m")).status == 413)
        #expect(GatewayError.upstream(.uploadTooLarge(maxMB: 100)).message.contains("100 MB"))
        #expect(GatewayError.upstream(.uploadHostRefused).status == 502)
    }
}

@Suite struct FileSubmissionOptionsTests {
    @Test func textOptionsBecomeTheJSONBodysFields() throws {
        let submission = try FileSubmissionOptions.submission([
            ("model", "fun-asr-mtl"), ("language_hints", "ja,en"), ("language_hints", "zh"), ("channel_id", "[0, 1]"),
            ("diarization_enabled", "true"), ("speaker_count", "3"), ("vocabulary_id", "vocab-x"),
            ("special_word_filter", #"{"system_reserved_filter":false}"#), ("parameters", #"{"future":7}"#),
        ], fileCount: 2)
        #expect(submission.model == "fun-asr-mtl")
        #expect(submission.fileURLs.count == 2)
        #expect(submission.parameters["language_hints"] == .array([.string("ja"), .string("en"), .string("zh")]))
        #expect(submission.parameters["channel_id"] == .array([.number(0), .number(1)]))
        #expect(submission.parameters["diarization_enabled"] == .bool(true))
        #expect(submission.parameters["speaker_count"] == .number(3))
        #expect(submission.parameters["vocabulary_id"] == .string("vocab-x"))
        #expect(submission.parameters["special_word_filter"] == .string(#"{"system_reserved_filter":false}"#))
        #expect(submission.parameters["future"] == .number(7))
    }

    @Test(arguments: [
        ([("file_urls", "https://e.com/a.wav")], 1, "unknown field 'file_urls'"),
        ([("diarization_enabled", "yes")], 1, "diarization_enabled must be true or false"),
        ([("speaker_count", "three")], 1, "speaker_count must be an integer"),
        ([("channel_id", "0,x")], 1, "channel_id must be"),
        ([("parameters", "[1]")], 1, "parameters must be a JSON object"),
        ([("model", "a"), ("model", "b")], 1, "model is given more than once"),
        ([("language_hints", "[\"zh\"")], 1, "language_hints must be a JSON array or a comma-separated list"),
        ([], 0, "no audio file"),
        ([], 101, "at most 100 files"),
    ] as [([(String, String)], Int, String)])
    func badOptionsAreRefusedWithTheFieldNamed(fields: [(String, String)], files: Int, message: String) {
        #expect {
            try FileSubmissionOptions.submission(fields.map { (name: $0.0, value: $0.1) }, fileCount: files)
        } throws: { error in
            (error as? RequestValidationError)?.message.contains(message) == true
        }
    }
}
