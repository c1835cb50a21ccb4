import Foundation
@testable import Gateway
import JSON
import Testing

/// Pure parts of the OpenAI Realtime bridge: resampling, client events, session updates and the transcript mapping.
@Suite struct RealtimeBridgeUnitTests {
    static func pcm(_ samples: [Int16]) -> [UInt8] {
        samples.flatMap { [UInt8(UInt16(bitPattern: $0) & 0xFF), UInt8(UInt16(bitPattern: $0) >> 8)] }
    }

    static func samples(_ bytes: [UInt8]) -> [Int16] {
        stride(from: 0, to: bytes.count - 1, by: 2).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
    }

    @Test func resampling24kTo16kKeepsTwoOfEveryThreeSamplesInterpolated() {
        var resampler = PCMResampler(from: 24000, to: 16000)
        let out = Self.samples(resampler.resample(Self.pcm([0, 300, 600, 900, 1200, 1500, -3000])))
        // Positions 0, 1.5, 3, 4.5: 0, (300+600)/2, 900, (1200+1500)/2; 6.0 (-3000) is also complete.
        #expect(out == [0, 450, 900, 1350, -3000])
    }

    @Test func chunksSplitAnywhereGiveTheSameOutputAsOnePiece() {
        let input = Self.pcm((0..<4800).map { Int16(truncatingIfNeeded: $0 * 37 - 20000) })
        var whole = PCMResampler(from: 24000, to: 16000)
        let expected = whole.resample(input)
        #expect(expected.count == 3200 * 2)
        for split in [1, 3, 7, 1001] {
            var pieces = PCMResampler(from: 24000, to: 16000)
            var out: [UInt8] = []
            var offset = 0
            while offset < input.count {
                let end = min(input.count, offset + split)
                out += pieces.resample(input[offset..<end])
                offset = end
            }
            #expect(out == expected, "split \(split)")
        }
    }

    @Test func resamplingTo8kAveragesThreeSampleSteps() {
        var resampler = PCMResampler(from: 24000, to: 8000)
        #expect(Self.samples(resampler.resample(Self.pcm([10, 20, 30, 40, 50, 60, 70]))) == [10, 40, 70])
    }

    @Test func clientEventsParse() {
        #expect(RealtimeClientEvent(Array(#"{"type":"input_audio_buffer.append","audio":"AAEC"}"#.utf8)) == .append([0, 1, 2]))
        #expect(RealtimeClientEvent(Array(#"{"type":"input_audio_buffer.commit"}"#.utf8)) == .commit)
        #expect(RealtimeClientEvent(Array(#"{"type":"input_audio_buffer.clear"}"#.utf8)) == .clear)
        guard case .transcriptionSessionUpdate = RealtimeClientEvent(Array(#"{"type":"transcription_session.update","session":{}}"#.utf8)) else {
            Issue.record("beta update not parsed")
            return
        }
        guard case .invalid(_, let eventID, let code, _, let param) = RealtimeClientEvent(
            Array(#"{"type":"input_audio_buffer.append","event_id":"e1","audio":"%%%"}"#.utf8)) else {
            Issue.record("bad base64 accepted")
            return
        }
        #expect(eventID == "e1" && code == "invalid_value" && param == "audio")
        guard case .invalid(let type, _, _, _, _) = RealtimeClientEvent(Array(#"{"type":"response.create"}"#.utf8)) else {
            Issue.record("conversation event accepted")
            return
        }
        #expect(type == "response.create")
    }

    @Test func gaAndBetaUpdatesSetModelLanguageAndTurnDetection() throws {
        var ga = RealtimeSessionConfig(id: "sess_1", dialect: .ga)
        let update = try #require(JSONValue.parse(Array(#"""
            {"type":"transcription","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},
             "transcription":{"model":"gpt-4o-transcribe","language":"en"},"turn_detection":{"type":"server_vad","silence_duration_ms":50}}}}
            """#.utf8)))
        #expect(ga.apply(update) == nil)
        #expect(ga.model == "fun-asr-realtime")
        #expect(ga.taskParameters["language_hints"] == .array([.string("en")]))
        #expect(ga.taskParameters["max_sentence_silence"]?.intValue == 200)
        #expect(ga.taskParameters["sample_rate"]?.intValue == 16000)
        #expect(ga.sessionObject["audio"]?["input"]?["transcription"]?["model"]?.stringValue == "fun-asr-realtime")

        var beta = RealtimeSessionConfig(id: "sess_2", dialect: .beta)
        let betaUpdate = try #require(JSONValue.parse(Array(#"""
            {"input_audio_format":"pcm16","input_audio_transcription":{"model":"fun-asr-flash-8k-realtime"},"turn_detection":null}
            """#.utf8)))
        #expect(beta.apply(betaUpdate) == nil)
        #expect(beta.model == "fun-asr-flash-8k-realtime" && beta.upstreamSampleRate == 8000)
        #expect(beta.turnDetection == nil && beta.taskParameters["max_sentence_silence"] == nil)
        #expect(beta.sessionObject["input_audio_transcription"]?["model"]?.stringValue == "fun-asr-flash-8k-realtime")

        let ulaw = try #require(JSONValue.parse(Array(#"{"input_audio_format":"g711_ulaw"}"#.utf8)))
        #expect(beta.apply(ulaw)?.param == "session.input_audio_format")
        #expect(beta.model == "fun-asr-flash-8k-realtime")
        let conversation = try #require(JSONValue.parse(Array(#"{"type":"realtime"}"#.utf8)))
        #expect(ga.apply(conversation)?.param == "session.type")
    }

    static func result(_ id: Int, _ text: String, final: Bool, usage: Int? = nil) -> JSONValue {
        .object([
            "output": .object(["sentence": .object([
                "sentence_id": .number(Double(id)), "text": .string(text), "begin_time": .number(100),
                "end_time": final ? .number(900) : .null, "sentence_end": .bool(final), "heartbeat": .bool(false),
            ])]),
            "usage": usage.map { .object(["duration": .number(Double($0))]) } ?? .null,
        ])
    }

    static func types(_ events: [JSONValue]) -> [String] { events.compactMap { $0["type"]?.stringValue } }

    @Test func oneSentenceIsOneItemWithAppendOnlyDeltas() {
        var mapper = RealtimeTranscriptMapper(events: RealtimeServerEvents(prefix: "x_"), dialect: .ga)
        mapper.taskStarted()
        let first = mapper.result(Self.result(1, "Hello", final: false))
        #expect(Self.types(first) == ["input_audio_buffer.speech_started", "conversation.item.input_audio_transcription.delta"])
        let item = first[0]["item_id"]?.stringValue
        // A revision sends no delta; an extension of the text already sent does.
        #expect(Self.types(mapper.result(Self.result(1, "Help", final: false))).isEmpty)
        let extended = mapper.result(Self.result(1, "Hello world", final: false))
        #expect(extended.map { $0["delta"]?.stringValue } == [" world"])
        let final = mapper.result(Self.result(1, "Hello world.", final: true, usage: 2))
        #expect(Self.types(final) == [
            "conversation.item.input_audio_transcription.delta", "input_audio_buffer.speech_stopped",
            "input_audio_buffer.committed", "conversation.item.added",
            "conversation.item.input_audio_transcription.completed",
        ])
        #expect(final.allSatisfy { ($0["item_id"]?.stringValue ?? $0["item"]?["id"]?.stringValue) == item })
        #expect(final.last?["transcript"]?.stringValue == "Hello world.")
        #expect(final.last?["usage"]?["seconds"]?.intValue == 2)
        // The next sentence is a new item after the first; usage is the difference of DashScope's running total.
        mapper.dialect = .beta
        let second = mapper.result(Self.result(2, "Bye.", final: true, usage: 3))
        #expect(second.first { $0["type"]?.stringValue == "input_audio_buffer.committed" }?["previous_item_id"]?.stringValue == item)
        #expect(Self.types(second).contains("conversation.item.created"))
        #expect(second.last?["usage"]?["seconds"]?.intValue == 1)
        #expect(mapper.itemsThisTask == 2)
    }

    @Test func taskFailedFailsTheOpenItemThenErrors() {
        var mapper = RealtimeTranscriptMapper(events: RealtimeServerEvents(prefix: "x_"), dialect: .ga)
        _ = mapper.result(Self.result(1, "Hel", final: false))
        let events = mapper.taskFailed(.taskFailed(code: "CLIENT_ERROR", message: "request timeout after 23 seconds."))
        #expect(Self.types(events) == ["conversation.item.input_audio_transcription.failed", "error"])
        #expect(events.last?["error"]?["type"]?.stringValue == "invalid_request_error")
        #expect(events.last?["error"]?["code"]?.stringValue == "CLIENT_ERROR")
        #expect(RealtimeError.taskFailed(code: "InternalError", message: "x").type == "server_error")
    }
}
