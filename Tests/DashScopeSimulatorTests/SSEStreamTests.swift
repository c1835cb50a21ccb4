import Foundation
import Testing
@testable import DashScopeSimulator

@Suite struct SSEStreamTests {
    typealias Word = SyntheticTranscript.Word
    static let welcome = SyntheticTranscript(sentences: [
        .init(id: 1, beginTime: 160, endTime: 1680, words: [
            Word(beginTime: 160, endTime: 520, text: "欢迎", punctuation: ""),
            Word(beginTime: 520, endTime: 880, text: "使用", punctuation: ""),
            Word(beginTime: 880, endTime: 1280, text: "阿里", punctuation: ""),
            Word(beginTime: 1280, endTime: 1680, text: "云", punctuation: "。"),
        ], speakerID: nil),
    ])

    func play(_ faults: [SimulatorFault] = [], interval: Duration = .zero, transcript: SyntheticTranscript = welcome)
        async -> (CollectingSink, SleepLog)
    {
        let stream = SSEStream(
            payloads: RecognitionPayloads.streamPayloads(transcript, requestID: "rid"), requestID: "rid",
            interval: interval, faults: AppliedFaults(faults))
        let sink = CollectingSink()
        let log = SleepLog()
        await stream.play(on: sink, sleep: { log.record($0) })
        return (sink, log)
    }

    static let expected = """
        id:1
        event:result
        :HTTP_STATUS/200
        data:{"output":{"sentence":{"begin_time":160,"channel_id":0,"sentence_begin":true,"sentence_end":false,"sentence_id":1,"text":"","words":[]},"text":""},"request_id":"rid"}

        id:2
        event:result
        :HTTP_STATUS/200
        data:{"output":{"sentence":{"begin_time":160,"channel_id":0,"sentence_end":false,"sentence_id":1,"text":"欢迎","words":[{"begin_time":160,"end_time":520,"fixed":false,"punctuation":"","text":"欢迎"}]},"text":"欢迎"},"request_id":"rid"}

        id:3
        event:result
        :HTTP_STATUS/200
        data:{"output":{"sentence":{"begin_time":160,"channel_id":0,"sentence_end":false,"sentence_id":1,"text":"欢迎使用","words":[{"begin_time":160,"end_time":520,"fixed":false,"punctuation":"","text":"欢迎"},{"begin_time":520,"end_time":880,"fixed":false,"punctuation":"","text":"使用"}]},"text":"欢迎使用"},"request_id":"rid"}

        id:4
        event:result
        :HTTP_STATUS/200
        data:{"output":{"sentence":{"begin_time":160,"channel_id":0,"sentence_end":false,"sentence_id":1,"text":"欢迎使用阿里","words":[{"begin_time":160,"end_time":520,"fixed":false,"punctuation":"","text":"欢迎"},{"begin_time":520,"end_time":880,"fixed":false,"punctuation":"","text":"使用"},{"begin_time":880,"end_time":1280,"fixed":false,"punctuation":"","text":"阿里"}]},"text":"欢迎使用阿里"},"request_id":"rid"}

        id:5
        event:result
        :HTTP_STATUS/200
        data:{"output":{"sentence":{"begin_time":160,"channel_id":0,"end_time":1680,"sentence_end":true,"sentence_id":1,"text":"欢迎使用阿里云。","words":[{"begin_time":160,"end_time":520,"fixed":true,"punctuation":"","text":"欢迎"},{"begin_time":520,"end_time":880,"fixed":true,"punctuation":"","text":"使用"},{"begin_time":880,"end_time":1280,"fixed":true,"punctuation":"","text":"阿里"},{"begin_time":1280,"end_time":1680,"fixed":true,"punctuation":"。","text":"云"}]},"text":"欢迎使用阿里云。"},"usage":{"duration":2},"request_id":"rid"}


        """

    @Test func exactBytesOneEventPerWrite() async {
        let (sink, log) = await play()
        #expect(sink.text == Self.expected)
        #expect(sink.writes.count == 5)
        #expect(sink.writes.allSatisfy { String(decoding: $0, as: UTF8.self).hasSuffix("\n\n") })
        #expect(!sink.aborted)
        #expect(log.all.isEmpty)
    }

    @Test func multiSentenceTextIsCumulativeAndIDsCount() async throws {
        let transcript = SyntheticTranscript(seed: "https://e.com/multi.wav", sentenceCount: 3...3)
        let payloads = RecognitionPayloads.streamPayloads(transcript, requestID: "rid")
        let expectedCount = transcript.sentences.reduce(0) { $0 + $1.words.count + 1 }
        #expect(payloads.count == expectedCount)
        let (sink, _) = await play(transcript: transcript)
        #expect(sink.writes.count == expectedCount)
        for (index, write) in sink.writes.enumerated() {
            #expect(String(decoding: write, as: UTF8.self).hasPrefix("id:\(index + 1)\nevent:result\n:HTTP_STATUS/200\ndata:{"))
        }
        let objects = payloads.map(jsonObject)
        #expect(objects.allSatisfy { $0["request_id"] as? String == "rid" })
        let ends = objects.filter { (($0["output"] as? [String: Any])?["sentence"] as? [String: Any])?["sentence_end"] as? Bool == true }
        #expect(ends.count == 3)
        #expect(ends.allSatisfy { $0["usage"] != nil })
        #expect(objects.filter { $0["usage"] != nil }.count == 3)
        let finalText = (objects.last?["output"] as? [String: Any])?["text"] as? String
        #expect(finalText == transcript.text)
        let secondBegin = try #require(objects.first { (($0["output"] as? [String: Any])?["sentence"] as? [String: Any])?["sentence_id"] as? Int == 2 })
        #expect((secondBegin["output"] as? [String: Any])?["text"] as? String == transcript.sentences[0].text)
    }

    @Test func intervalPacesBetweenEvents() async {
        let (_, log) = await play(interval: .milliseconds(150))
        #expect(log.all == Array(repeating: .milliseconds(150), count: 4))
    }

    @Test func errorFrameAfterTwoEvents() async {
        let (sink, _) = await play([.errorFrameAfter(events: 2)])
        #expect(sink.writes.count == 3)
        let last = String(decoding: sink.writes[2], as: UTF8.self)
        #expect(last == "id:3\nevent:error\n:HTTP_STATUS/500\ndata:{\"code\":\"InternalError\",\"message\":\"An internal error has occured, please try again later.\",\"request_id\":\"rid\"}\n\n")
        #expect(!sink.aborted)
    }

    @Test func errorFrameAfterAllEvents() async {
        let (sink, _) = await play([.errorFrameAfter(events: 99)])
        #expect(sink.writes.count == 6)
        #expect(String(decoding: sink.writes[5], as: UTF8.self).hasPrefix("id:6\nevent:error\n"))
    }

    @Test(arguments: [0, 2, 5])
    func dropAfterAborts(events: Int) async {
        let (sink, _) = await play([.dropAfter(events: events)])
        #expect(sink.writes.count == events)
        #expect(sink.aborted)
    }

    @Test func stallAfterSleepsMidStream() async {
        let (sink, log) = await play([.stallAfter(events: 2, seconds: 2.5)])
        #expect(log.all == [.milliseconds(2500)])
        #expect(sink.text == Self.expected)
    }

    @Test func crlfLineEnds() async {
        let (sink, _) = await play([.crlfLineEnds])
        #expect(sink.text == Self.expected.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func tinyWritesSplitEveryEvent() async {
        let (sink, _) = await play([.tinyWrites])
        #expect(sink.writes.count > 100)
        #expect(sink.writes.allSatisfy { (1...3).contains($0.count) })
        #expect(Set(sink.writes.map(\.count)) == [1, 2, 3])
        #expect(sink.text == Self.expected)
    }

    @Test func framingHelpers() {
        #expect(SSEFraming.result(id: 7, data: "{}") == Array("id:7\nevent:result\n:HTTP_STATUS/200\ndata:{}\n\n".utf8))
        #expect(SSEFraming.error(id: 1, status: 400, code: "InvalidParameter", message: "Preprocessor error", requestID: "r")
            == Array("id:1\nevent:error\n:HTTP_STATUS/400\ndata:{\"code\":\"InvalidParameter\",\"message\":\"Preprocessor error\",\"request_id\":\"r\"}\n\n".utf8))
    }

    @Test func nonStreamingBodyMatchesTheLastEvent() {
        let single = jsonObject(RecognitionPayloads.singleResponse(Self.welcome, requestID: "rid"))
        let last = jsonObject(RecognitionPayloads.streamPayloads(Self.welcome, requestID: "rid").last ?? "")
        #expect(NSDictionary(dictionary: single).isEqual(to: last))
    }
}
