import JSON
import DashScope
import Foundation
@testable import Gateway
import MicroHTTPServer
import Testing

/// Pure parts of the OpenAI-compatible API: the delta rule, the multipart reader, the form mapping, rendering.
@Suite struct OpenAIMappingUnitTests {
    /// A Flash event payload: sentence `id` with `words` (text, fixed), ended or not.
    static func payload(_ id: Int, _ words: [(String, Bool)], end: Bool, text: String? = nil, usage: Int? = nil) -> JSONValue {
        var sentence: [String: JSONValue] = [
            "sentence_id": .number(Double(id)), "begin_time": .number(Double(id * 1000)), "sentence_end": .bool(end),
            "text": .string(text ?? words.map(\.0).joined()),
            "words": .array(words.enumerated().map { index, word in
                .object([
                    "text": .string(word.0), "punctuation": "", "fixed": .bool(word.1),
                    "begin_time": .number(Double(id * 1000 + index * 100)), "end_time": .number(Double(id * 1000 + index * 100 + 90)),
                ])
            }),
        ]
        if end { sentence["end_time"] = .number(Double(id * 1000 + 900)) }
        var payload: [String: JSONValue] = ["output": .object(["sentence": .object(sentence)]), "request_id": "r-1"]
        if let usage { payload["usage"] = .object(["duration": .number(Double(usage))]) }
        return .object(payload)
    }

    @Test func onlyTextThatCanNoLongerChangeIsSent() {
        var assembler = FlashTranscriptAssembler()
        #expect(assembler.add(Self.payload(1, [], end: false)) == "")
        #expect(assembler.add(Self.payload(1, [("Hel", false)], end: false)) == "", "a word that is not fixed may change")
        #expect(assembler.add(Self.payload(1, [("Hello", true), (" wor", false)], end: false)) == "Hello")
        #expect(assembler.add(Self.payload(1, [("Hello", true), (" world", true), (" a", false)], end: false)) == " world")
        #expect(assembler.add(Self.payload(1, [("Hello", true), (" world", true), (" again", true)], end: true, text: "Hello world again.", usage: 2)) == " again.")
        #expect(assembler.add(Self.payload(2, [("Bye", false)], end: false)) == "")
        #expect(assembler.add(Self.payload(2, [("Bye", true)], end: true, usage: 3)) == "Bye")
        #expect(assembler.finish() == "")
        #expect(assembler.text == "Hello world again.Bye")
        #expect(assembler.billedSeconds == 3)
        #expect(assembler.requestID == "r-1")
        #expect(assembler.sentences.map(\.sentenceID) == [1, 2])
    }

    @Test func aNewSentenceOrTheEndClosesAnOpenOne() {
        var assembler = FlashTranscriptAssembler()
        #expect(assembler.add(Self.payload(1, [("一", true), ("二", false)], end: false)) == "一")
        #expect(assembler.add(Self.payload(2, [("三", false)], end: false)) == "二", "sentence 1 never ended: its last text is final")
        #expect(assembler.finish() == "三")
        #expect(assembler.text == "一二三")
    }

    @Test func fixedTextThatChangesAnywayIsNotSentTwiceAndDoneIsAuthoritative() {
        var assembler = FlashTranscriptAssembler()
        var deltas = assembler.add(Self.payload(1, [("Helo", true)], end: false))
        deltas += assembler.add(Self.payload(1, [("Hello", true)], end: true))
        deltas += assembler.add(Self.payload(1, [("Hello", true)], end: true))
        deltas += assembler.finish()
        #expect(deltas == "Helo")
        #expect(assembler.text == "Hello")
        #expect(assembler.sentences.count == 1, "a repeated end event is ignored")
    }

    @Test func aPlainAnswerWithOnlyTheLastSentenceUsesTheCumulativeText() {
        var assembler = FlashTranscriptAssembler()
        let answer: JSONValue = .object([
            "output": .object(["text": "First. Second.", "sentence": .object([
                "sentence_id": .number(2), "begin_time": .number(900), "end_time": .number(1500), "sentence_end": .bool(true), "text": " Second.", "words": .array([]),
            ])]),
            "usage": .object(["duration": .number(2)]),
        ])
        _ = assembler.add(answer)
        _ = assembler.finish()
        #expect(assembler.text == "First. Second.")
        #expect(assembler.endMilliseconds == 1500)
    }

    static func form(_ parts: [(name: String, filename: String?, body: String)]) -> (body: [UInt8], contentType: String) {
        var body = Array("preamble\r\n".utf8)
        for part in parts {
            var head = "--XyZ\r\nContent-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { head += "; filename=\"\(filename)\"\r\nContent-Type: audio/wav" }
            body += Array((head + "\r\n\r\n" + part.body + "\r\n").utf8)
        }
        return (body + Array("--XyZ--\r\nepilogue".utf8), "multipart/form-data; charset=utf-8; boundary=\"XyZ\"")
    }

    @Test func multipartPartsKeepTheirBytesWhenTheyLookLikeBoundaries() throws {
        let (body, contentType) = Self.form([("model", nil, "whisper-1"), ("file", "a b.wav", "RIFF\r\n--Xy\r\n--XyY"), ("prompt", nil, "")])
        let parts = try MultipartForm.parse(body, contentType: contentType) { _ in 1000 }
        #expect(parts == [
            FormPart(name: "model", body: Array("whisper-1".utf8)),
            FormPart(name: "file", filename: "a b.wav", contentType: "audio/wav", body: Array("RIFF\r\n--Xy\r\n--XyY".utf8)),
            FormPart(name: "prompt", body: []),
        ])
    }

    @Test func multipartFailuresAreTyped() {
        let (body, contentType) = Self.form([("file", "a.wav", String(repeating: "x", count: 100))])
        #expect(throws: MultipartFormError.partTooLarge(name: "file", limit: 50)) {
            try MultipartForm.parse(body, contentType: contentType) { $0 == "file" ? 50 : 1000 }
        }
        #expect(throws: MultipartFormError.notMultipart) { try MultipartForm.parse(body, contentType: "application/json") { _ in 1000 } }
        #expect(throws: MultipartFormError.notMultipart) { try MultipartForm.parse(body, contentType: "multipart/form-data") { _ in 1000 } }
        #expect(throws: MultipartFormError.self) { try MultipartForm.parse(Array(body.prefix(80)), contentType: contentType) { _ in 1000 } }
        #expect(throws: MultipartFormError.self) { try MultipartForm.parse(Array("no parts".utf8), contentType: contentType) { _ in 1000 } }
    }

    @Test func emptyPartsAndTransportPaddingAfterABoundary() throws {
        // x: an empty body before the delimiter's CRLF; y: the header block's CRLF is also the delimiter's.
        let body = Array("--b  \r\nContent-Disposition: form-data; name=x\r\n\r\n\r\n--b\r\nContent-Disposition: form-data; name=y\r\n\r\n--b--".utf8)
        let parts = try MultipartForm.parse(body, contentType: "multipart/form-data; boundary=b") { _ in 10 }
        #expect(parts == [FormPart(name: "x", body: []), FormPart(name: "y", body: [])])
    }

    @Test(arguments: [
        "--b\r\nContent-Disposition: form-data; name=x\r\n\r\nvalue",  // no closing delimiter
        "--b\r\nContent-Disposition: form-data; name=x",  // ends in the headers
        "--bjunk\r\nContent-Disposition: form-data; name=x\r\n\r\nv\r\n--b--",  // text after the boundary
        "--b\r\nNoColonHere\r\n\r\nv\r\n--b--",
        "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--",  // no name
        "--b--",  // no parts
    ])
    func malformedMultipartIsRefused(text: String) {
        #expect(throws: MultipartFormError.self) {
            try MultipartForm.parse(Array(text.utf8), contentType: "multipart/form-data; boundary=b") { _ in 100 }
        }
    }

    @Test func percentDecodingRefusesBadEscapes() {
        #expect(HeaderParameters.percentDecoded("a%20b") == "a b")
        #expect(HeaderParameters.percentDecoded("a%2") == nil)
        #expect(HeaderParameters.percentDecoded("%FF") == nil)
    }

    @Test func contentDispositionParameters() {
        let parsed = HeaderParameters.parse(#"form-data; name="file"; filename="a;b \"c\".wav"; filename*=UTF-8''%E5%BD%95%E9%9F%B3.mp3"#)
        #expect(parsed.value == "form-data")
        #expect(parsed["name"] == "file")
        #expect(parsed["filename"] == #"a;b "c".wav"#)
        #expect(parsed["filename*"].flatMap(HeaderParameters.decodeExtended) == "录音.mp3")
    }

    @Test func theOversizedFileIsA413ThatSaysWhy() throws {
        let (body, contentType) = Self.form([("file", "a.wav", String(repeating: "x", count: 2000))])
        let request = HTTPRequest(head: HTTPRequestHead(method: "POST", path: "/v1/audio/transcriptions", headers: ["Content-Type": contentType]), body: body)
        let error = try #require(throws: GatewayError.self) { try OpenAIRoutes.form(request, fileLimit: 1000) }
        #expect(error.status == 413)
        #expect(error.param == "file")
        #expect(error.message.contains("10 MB"))
    }

    static let catalog = OpenAIModelCatalog(flashModel: "fun-asr-flash-2026-06-15", configuredAliases: ["whisper-1": "custom"])

    @Test func theFormMapsOntoAFlashRequest() throws {
        let request = try OpenAITranscriptionRequest.parse([
            FormPart(name: "file", filename: "x.MP3", contentType: "audio/wav", body: [1, 2, 3]),
            FormPart(name: "model", body: Array("gpt-4o-transcribe".utf8)), FormPart(name: "language", body: Array(" zh_TW ".utf8)),
            FormPart(name: "prompt", body: Array(" 会议 ".utf8)), FormPart(name: "temperature", body: Array("0.2".utf8)),
            FormPart(name: "response_format", body: Array("verbose_json".utf8)),
            FormPart(name: "timestamp_granularities[]", body: Array("word".utf8)),
        ], catalog: Self.catalog)
        #expect(request.recognition.model == "fun-asr-flash-2026-06-15")
        #expect(request.recognition.format == "mp3", "the file name wins over the content type")
        #expect(request.recognition.languageHints == ["zh"])
        #expect(request.recognition.context == " 会议 ")
        #expect(request.recognition.audio == .inline(base64: "AQID", decodedBytes: 3))
        #expect(request.responseFormat == .verboseJSON && request.words && !request.segments && !request.stream)
        #expect(Self.catalog.resolve("whisper-1") == "custom")
        #expect(Self.catalog.resolve("fun-asr-flash-2026-06-15") == "fun-asr-flash-2026-06-15")
        #expect(Self.catalog.resolve(nil) == "fun-asr-flash-2026-06-15")
    }

    @Test func wavDurationComesFromTheHeader() {
        let wav = OpenAIForm.wav(seconds: 0.25)
        #expect(WAVHeader.seconds(of: wav) == 0.25)
        #expect(WAVHeader.seconds(of: Array(wav.prefix(30))) == nil)
        #expect(WAVHeader.seconds(of: [1, 2, 3]) == nil)
    }

    @Test func modelAliasesParseOrFailClearly() throws {
        #expect(try GatewayConfiguration.parseModelAliases(["whisper-1=fun-asr-flash-2026-06-15", " a = b "]) == [
            "whisper-1": "fun-asr-flash-2026-06-15", "a": "b",
        ])
        #expect(throws: ConfigurationError.self) { try GatewayConfiguration.parseModelAliases(["whisper-1"]) }
        #expect(throws: ConfigurationError.self) { try GatewayConfiguration.parseModelAliases(["=x"]) }
        #expect(OpenAIModelCatalog.created("fun-asr-flash-2026-06-15") == 1_781_481_600)
        #expect(OpenAIModelCatalog.created("whisper-1") == 0)
    }

    @Test func verboseJSONSegmentsAndWords() {
        var assembler = FlashTranscriptAssembler()
        _ = assembler.add(Self.payload(31, [(" Hi", true), ("there", true)], end: true, text: " Hi there.", usage: 33))
        let request = OpenAITranscriptionRequest(
            recognition: RecognitionRequest(kind: .flash, audio: .url("https://e.com/a.wav"), format: "wav"),
            responseFormat: .verboseJSON, segments: true, words: true, stream: false, language: nil, audioSeconds: nil)
        let body = OpenAITranscriptionResponse.verbose(assembler, request)
        #expect(body["language"] == "english")
        #expect(body["duration"] == .number(33))
        #expect(body["segments"] == .array([.object([
            "id": .number(0), "seek": .number(3000), "start": .number(31), "end": .number(31.9), "text": " Hi there.", "tokens": .array([]),
            "temperature": .number(0), "avg_logprob": .number(0), "compression_ratio": .number(1), "no_speech_prob": .number(0),
        ])]))
        #expect(body["words"]?.arrayValue?.first == .object(["word": "Hi", "start": .number(31), "end": .number(31.09)]))
    }

    @Test(arguments: [("我们开会", "chinese"), ("こんにちは世界", "japanese"), ("안녕하세요", "korean"), ("Hello there", "english"), ("", "english")])
    func languageIsGuessedFromTheScript(text: String, name: String) {
        #expect(OpenAILanguage.name(code: nil, text: text) == name)
        #expect(OpenAILanguage.name(code: "de", text: text) == "german")
    }
}
