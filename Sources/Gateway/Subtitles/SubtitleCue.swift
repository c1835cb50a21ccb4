/// One subtitle cue: a time span in milliseconds and its already wrapped lines.
public struct SubtitleCue: Sendable, Equatable {
    /// Start, in milliseconds from the beginning of the audio.
    public var start: Int
    /// End, in milliseconds from the beginning of the audio.
    public var end: Int
    /// The lines shown, each at most the formatter's line length (unless one word is longer).
    public var lines: [String]

    /// Creates a cue.
    public init(start: Int, end: Int, lines: [String]) {
        self.start = start
        self.end = end
        self.lines = lines
    }

    /// `hh:mm:ss` followed by `separator` and milliseconds (`,` for SRT, `.` for WebVTT); negative times clamp to 0.
    static func timestamp(_ milliseconds: Int, separator: Character) -> String {
        let value = max(0, milliseconds)
        func pad(_ number: Int, _ width: Int) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let hours = value / 3_600_000
        let minutes = value / 60_000 % 60
        let seconds = value / 1000 % 60
        return "\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2))\(separator)\(pad(value % 1000, 3))"
    }
}
