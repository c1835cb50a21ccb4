import Foundation
import JSON
import Testing
@testable import DashScopeSimulator

@Suite struct SupportUnitTests {
    @Test func beijingTimeFormat() {
        #expect(BeijingTime.format(Date(timeIntervalSince1970: 1_758_735_456.38)) == "2025-09-25 01:37:36.380")
        #expect(BeijingTime.format(Date(timeIntervalSince1970: 0)) == "1970-01-01 08:00:00.000")
        #expect(BeijingTime.format(Date(timeIntervalSince1970: 951_840_000)) == "2000-03-01 00:00:00.000")
    }

    @Test func compactTimeParse() {
        #expect(BeijingTime.parseCompact("20250925013736")?.timeIntervalSince1970 == 1_758_735_456)
        #expect(BeijingTime.parseCompact("2025092501373") == nil)
        #expect(BeijingTime.parseCompact("20251325013736") == nil)
        #expect(BeijingTime.parseCompact("2025-09-25 01:3") == nil)
    }

    @Test func manualClockDefaultsToTheCaptureDate() {
        #expect(BeijingTime.format(ManualSimulatorClock().now()) == "2025-09-25 01:37:36.000")
    }

    @Test func answersKeepMemberOrderAndUseTheSharedEscaper() {
        let value = OrderedJSON.obj([
            "z": .string("a\"b\\c\n\u{1}/中文"), "a": .array([.int(1), .value(.number(1.5)), .value(.number(2)), .bool(false), .value(.null)]),
            "skip": nil, "sorted": .value(.object(["y": .number(1), "b": .string("x")])),
        ])
        #expect(value.serialized() == #"{"z":"a\"b\\c\n\u0001/中文","a":[1,1.5,2,false,null],"sorted":{"b":"x","y":1}}"#)
    }

    @Test func routing() throws {
        #expect(try SimulatorRoute.resolve(method: "GET", path: "/api/v1/tasks/").get() == .list)
        #expect(try SimulatorRoute.resolve(method: "POST", path: "/api/v1/tasks/abc").get() == .query(taskID: "abc"))
        #expect(try SimulatorRoute.resolve(method: "POST", path: "/api/v1/tasks/abc/cancel").get() == .cancel(taskID: "abc"))
        #expect(try SimulatorRoute.resolve(method: "GET", path: "/results/t/3.json").get() == .result(taskID: "t", index: 3))
        #expect((try? SimulatorRoute.resolve(method: "GET", path: "/api/v1/uploads/").get()) == nil)
        #expect((try? SimulatorRoute.resolve(method: "POST", path: "/api/v1/services/audio/asr/transcription/").get()) == nil)
    }

    @Test func corpusWords() {
        let english = TranscriptCorpus.words(of: "Hello world, this is it.")
        #expect(english.map(\.text) == ["Hello", " world", " this", " is", " it"])
        #expect(english.map(\.punctuation) == ["", ",", "", "", "."])
        let chinese = TranscriptCorpus.words(of: "Hello| World，|这里是")
        #expect(chinese.map(\.text) == ["Hello", " World", "这里是"])
        #expect(chinese.map(\.punctuation) == ["", "，", ""])
    }

    @Test func syntheticTranscriptsAreDeterministicAndOrdered() {
        let a = SyntheticTranscript(seed: "https://e.com/x.wav", sentenceCount: 2...6)
        #expect(a == SyntheticTranscript(seed: "https://e.com/x.wav", sentenceCount: 2...6))
        #expect((2...6).contains(a.sentences.count))
        for (previous, next) in zip(a.sentences, a.sentences.dropFirst()) {
            #expect(next.beginTime > previous.endTime)
        }
        for sentence in a.sentences {
            for (w1, w2) in zip(sentence.words, sentence.words.dropFirst()) {
                #expect(w1.beginTime < w1.endTime && w1.endTime <= w2.beginTime)
            }
        }
    }

    @Test func subtaskOutcomeRule() {
        #expect(SubtaskOutcome.forFile("https://example.com/fail.wav", parametersMissing: false) != .succeeded)
        #expect(SubtaskOutcome.forFile("https://a.invalid/x.wav", parametersMissing: false) != .succeeded)
        #expect(SubtaskOutcome.forFile("https://failhost.com/x.wav", parametersMissing: false) == .succeeded)
        #expect(SubtaskOutcome.forFile("https://e.com/x.wav?q=fail", parametersMissing: false) == .succeeded)
        #expect(SubtaskOutcome.forFile("https://e.com/x.wav", parametersMissing: true)
            == .failed(code: "InvalidParameter", message: "Required parameter \"parameters\" missing from request."))
    }

    @Test func configurationPresets() {
        let fast = SimulatorConfiguration.fastForTests
        #expect(fast.acceptedAPIKeys == [SimulatorConfiguration.testAPIKey])
        #expect(fast.eventInterval == .zero)
        #expect(fast.pendingDuration == .milliseconds(50))
        let interactive = SimulatorConfiguration.interactive
        #expect(interactive.acceptedAPIKeys.isEmpty)
        #expect(interactive.pendingDuration == .seconds(1))
        #expect(interactive.runningDuration == .seconds(2))
        #expect(interactive.eventInterval == .milliseconds(150))
    }
}
