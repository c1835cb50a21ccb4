import Foundation
import MicroHTTPServer
import Testing
@testable import DashScopeSimulator

let flashBody = #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"https://e.com/hello.wav"}}]}]},"parameters":{"format":"wav","sample_rate":"16000"}}"#
let realtimeURLBody = #"{"model":"fun-asr-realtime","input":{"messages":[]},"parameters":{"audio_address":"https://e.com/sample.mp3","format":"mp3"},"resources":[]}"#
let realtimeInlineBody = #"{"model":"fun-asr-realtime","input":{"messages":[{"role":"user","content":[{"audio":"data:audio/wav;base64,UklGRiQAAABXQVZF"}]}]},"parameters":{"format":"wav","vad_enabled":true},"resources":[]}"#

@Suite struct GenerationTests {
    @Test(arguments: [flashBody, realtimeURLBody, realtimeInlineBody])
    func nonStreamingAnswerShape(body: String) async throws {
        let h = Harness()
        let response = await h.send("POST", generationPath, body: body)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.text.hasPrefix(#"{"output":{"sentence":{"begin_time":"#))
        let json = response.object
        let requestID = try #require(json["request_id"] as? String)
        #expect(response.headers["x-request-id"] == requestID)
        let output = try #require(json["output"] as? [String: Any])
        let sentence = try #require(output["sentence"] as? [String: Any])
        #expect(Set(sentence.keys) == ["begin_time", "channel_id", "end_time", "sentence_end", "sentence_id", "text", "words"])
        #expect(sentence["sentence_end"] as? Bool == true)
        let words = try #require(sentence["words"] as? [[String: Any]])
        #expect(words.allSatisfy { $0["fixed"] as? Bool == true })
        let text = try #require(output["text"] as? String)
        #expect(text.hasSuffix(sentence["text"] as? String ?? "?"))
        let end = try #require(sentence["end_time"] as? Int)
        #expect((json["usage"] as? [String: Int])?["duration"] == (end + 999) / 1000)
    }

    @Test func asyncHeaderOnGenerationIs403() async {
        let h = Harness()
        let response = await h.send("POST", generationPath, headers: [("X-DashScope-Async", "enable")], body: flashBody)
        #expect(response.status == 403)
        #expect(response.code == "AccessDenied")
        #expect(response.object["message"] as? String == "current user api does not support asynchronous calls")
    }

    @Test func generationNeedsTheKey() async {
        #expect(await Harness().send("POST", generationPath, body: flashBody, key: "nope").status == 401)
    }

    static let invalid: [(String, String, String)] = [
        ("not json", "{", "not valid JSON"),
        ("no model", #"{"input":{"messages":[]},"parameters":{"format":"wav"}}"#, "\"model\""),
        ("async model", #"{"model":"fun-asr","input":{"messages":[]},"parameters":{"format":"wav"}}"#, "Model not exist."),
        ("no input", #"{"model":"fun-asr-flash-2026-06-15","parameters":{"format":"wav"}}"#, "Required input"),
        ("no parameters", #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"https://e.com/a.wav"}}]}]}}"#, "\"parameters\""),
        ("no format", #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"https://e.com/a.wav"}}]}]},"parameters":{}}"#, "parameters.format"),
        ("numeric sample rate", #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"https://e.com/a.wav"}}]}]},"parameters":{"format":"wav","sample_rate":16000}}"#, "sample_rate"),
        ("empty messages", #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[]},"parameters":{"format":"wav"}}"#, "must not be empty"),
        ("assistant last", #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"https://e.com/a.wav"}}]},{"role":"assistant","content":[{"type":"text","text":"hi"}]}]},"parameters":{"format":"wav"}}"#, "last message"),
        ("realtime shape on flash", #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[{"role":"user","content":[{"audio":"data:audio/wav;base64,UklGRg=="}]}]},"parameters":{"format":"wav"}}"#, "input_audio"),
        ("two audios", #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"https://e.com/a.wav"}},{"type":"input_audio","input_audio":{"data":"https://e.com/b.wav"}}]}]},"parameters":{"format":"wav"}}"#, "one input_audio"),
        ("no resources", #"{"model":"fun-asr-realtime","input":{"messages":[]},"parameters":{"audio_address":"https://e.com/a.mp3","format":"mp3"}}"#, "resources"),
        ("realtime no audio", #"{"model":"fun-asr-realtime","input":{"messages":[]},"parameters":{"format":"mp3"},"resources":[]}"#, "audio_address"),
        ("realtime both", #"{"model":"fun-asr-realtime","input":{"messages":[{"role":"user","content":[{"audio":"data:audio/wav;base64,UklGRg=="}]}]},"parameters":{"audio_address":"https://e.com/a.mp3","format":"mp3"},"resources":[]}"#, "must be empty"),
        ("flash shape on realtime", #"{"model":"fun-asr-realtime","input":{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"https://e.com/a.wav"}}]}]},"parameters":{"format":"wav"},"resources":[]}"#, "content is [{\"audio\""),
        ("realtime url in audio", #"{"model":"fun-asr-realtime","input":{"messages":[{"role":"user","content":[{"audio":"https://e.com/a.wav"}]}]},"parameters":{"format":"wav"},"resources":[]}"#, "data URI"),
        ("realtime no format", #"{"model":"fun-asr-realtime","input":{"messages":[]},"parameters":{"audio_address":"https://e.com/a.mp3"},"resources":[]}"#, "parameters.format"),
        ("vad not bool", #"{"model":"fun-asr-realtime","input":{"messages":[]},"parameters":{"audio_address":"https://e.com/a.mp3","format":"mp3","vad_enabled":"yes"},"resources":[]}"#, "vad_enabled"),
        ("bad base64", #"{"model":"fun-asr-realtime","input":{"messages":[{"role":"user","content":[{"audio":"data:audio/wav;base64,@@@"}]}]},"parameters":{"format":"wav"},"resources":[]}"#, "base64"),
        ("not base64 uri", #"{"model":"fun-asr-realtime","input":{"messages":[{"role":"user","content":[{"audio":"data:audio/wav,abc"}]}]},"parameters":{"format":"wav"},"resources":[]}"#, "data URI"),
    ]

    @Test(arguments: invalid)
    func invalidShapesAre400WithAPreciseMessage(name: String, body: String, fragment: String) async {
        let h = Harness()
        let response = await h.send("POST", generationPath, body: body)
        #expect(response.status == 400, "\(name)")
        #expect(["InvalidParameter", "BadRequest.EmptyModel", "BadRequest.EmptyInput", "BadRequest.EmptyParameters"]
            .contains(response.code ?? ""), "\(name)")
        #expect((response.object["message"] as? String ?? "").contains(fragment), "\(name): \(response.text)")
    }

    @Test func flashContextMessagesAreAccepted() async {
        let body = #"{"model":"fun-asr-flash-2026-06-15","input":{"messages":[{"role":"user","content":[{"type":"input_text","text":"你好啊"}]},{"role":"assistant","content":[{"type":"text","text":"你好"}]},{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"data:audio/wav;base64,UklGR0FBQUE="}}]}]},"parameters":{"format":"wav","sample_rate":"16000","language_hints":["zh"]}}"#
        #expect(await Harness().send("POST", generationPath, body: body).status == 200)
    }

    @Test func unreachableAudioURLIs415() async {
        let body = realtimeURLBody.replacingOccurrences(of: "sample.mp3", with: "fail.mp3")
        let response = await Harness().send("POST", generationPath, body: body)
        #expect(response.status == 415)
        #expect(response.code == "BadRequest.InputDownloadFailed")
    }

    @Test func inlineAudioOverTheLimitIs413() async {
        let h = Harness { $0.maxInlineAudioBytes = 30 }
        let big = Data(repeating: 7, count: 31).base64EncodedString()
        let body = realtimeInlineBody.replacingOccurrences(of: "UklGRiQAAABXQVZF", with: big)
        let response = await h.send("POST", generationPath, body: body)
        #expect(response.status == 413)
        #expect(response.code == "BadRequest.TooLarge")
        let fits = realtimeInlineBody.replacingOccurrences(
            of: "UklGRiQAAABXQVZF", with: Data(repeating: 7, count: 30).base64EncodedString())
        #expect(await h.send("POST", generationPath, body: fits).status == 200)
    }

    @Test func tenMegabytesIsTheDefaultLimit() {
        #expect(SimulatorConfiguration.interactive.maxInlineAudioBytes == 10 * 1024 * 1024)
        let simulator = Simulator()
        let head = HTTPRequestHead(method: "POST", path: generationPath)
        #expect(simulator.bodyLimit(for: head) > 10 * 1024 * 1024 * 4 / 3)
        #expect(simulator.bodyLimit(for: HTTPRequestHead(method: "GET", path: "/api/v1/tasks")) == 1024 * 1024)
        let tooLarge = simulator.payloadTooLarge(head, limit: 1)
        #expect(tooLarge.status == 413)
        #expect(tooLarge.code == "BadRequest.TooLarge")
    }

    @Test func sameAudioSameTranscript() async {
        let h = Harness()
        let a = await h.send("POST", generationPath, body: flashBody).object["output"] as? [String: Any]
        let b = await h.send("POST", generationPath, body: flashBody).object["output"] as? [String: Any]
        #expect(a?["text"] as? String == b?["text"] as? String)
    }

    @Test func sseRequestGetsAnEventStream() async {
        let h = Harness()
        let response = await h.send("POST", generationPath, headers: [("X-DashScope-SSE", "enable")], body: flashBody)
        #expect(response.status == 200)
        #expect(response.headers["Content-Type"] == "text/event-stream;charset=UTF-8")
        #expect(response.headers["x-request-id"] != nil)
        #expect(response.isStream)
        let disabled = await h.send("POST", generationPath, headers: [("X-DashScope-SSE", "disable")], body: flashBody)
        #expect(!disabled.isStream)
    }
}
