import DashScope
import Foundation
import JSON
import Testing

/// Audio encoded as it arrives: the same base64 as Foundation's whatever the pieces, and the same upstream body
/// as audio encoded whole.
@Suite struct InlineAudioTests {
    static let bytes: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 >> 3) }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 100, 999, 1000])
    func base64MatchesFoundationForEveryLengthAndSplit(length: Int) {
        let input = Array(Self.bytes[..<length])
        let expected = Array(Data(input).base64EncodedString().utf8)
        for cut in 0...length {
            for second in [cut, min(length, cut + 1), min(length, cut + 2)] {
                var encoder = Base64Encoder()
                var output: [UInt8] = []
                encoder.encode(input[..<cut], into: &output)
                encoder.encode(input[cut..<second], into: &output)
                encoder.encode(input[second...], into: &output)
                encoder.finish(into: &output)
                #expect(output == expected, "length \(length), cuts \(cut) \(second)")
                #expect(output.count == Base64Encoder.encodedLength(of: length))
            }
        }
    }

    @Test(arguments: [RecognitionKind.flash, .realtime])
    func anEncodedUploadBuildsTheSameUpstreamBodyAsAudioEncodedWhole(kind: RecognitionKind) throws {
        let audio = InlineAudio(expectedBytes: Self.bytes.count)
        for start in stride(from: 0, to: Self.bytes.count, by: 77) {
            audio.append(Self.bytes[start..<min(Self.bytes.count, start + 77)])
        }
        audio.finish()
        #expect(audio.decodedBytes == Self.bytes.count)
        let context: String? = kind == .flash ? "funasr-inline-audio- in the context \"quoted\"" : nil
        let streamed = RecognitionRequest(
            kind: kind, audio: .encoded(audio), format: "wav", languageHints: ["en"], context: context)
        let whole = RecognitionRequest(
            kind: kind, audio: .inline(base64: Data(Self.bytes).base64EncodedString(), decodedBytes: Self.bytes.count),
            format: "wav", languageHints: ["en"], context: context)
        let sent = streamed.upstreamBodyBytes()
        #expect(JSONValue.parse(sent) == whole.upstreamBody)
        #expect(JSONValue.parse(sent) != nil)
    }
}
