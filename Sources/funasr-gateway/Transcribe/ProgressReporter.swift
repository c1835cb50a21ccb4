import Glibc
import Synchronization

/// Tells the person at the terminal where a `transcribe` run stands, on standard error: a redrawn bar on a terminal,
/// one line per step otherwise (so a log file stays readable). Transcripts on standard output are never mixed in.
final class ProgressReporter: Sendable {
    private let drawsBar: Bool
    /// The last drawn bar's text, so an unchanged one is not redrawn.
    private let lastBar = Mutex<String?>(nil)

    /// `auto` draws a bar when standard error is a terminal.
    init(mode: ProgressMode) {
        switch mode {
        case .always: drawsBar = true
        case .never: drawsBar = false
        case .auto: drawsBar = isatty(2) == 1
        }
    }

    /// `sent` of `total` bytes of `name` are uploaded.
    func uploading(_ name: String, sent: Int, total: Int) {
        guard drawsBar else { return }
        draw("\(ProgressBar.render(done: sent, of: total)) uploading \(name) \(ByteCount.text(sent))/\(ByteCount.text(total))")
    }

    /// `finished` of `total` jobs have ended.
    func waiting(finished: Int, of total: Int) {
        guard drawsBar else { return }
        draw("\(ProgressBar.render(done: finished, of: total)) \(finished)/\(total) jobs done, waiting for DashScope")
    }

    /// A step worth a line of its own (uploaded, written, failed).
    func line(_ text: String) {
        let clear = lastBar.withLock { bar -> Bool in
            defer { bar = nil }
            return bar != nil
        }
        write((clear ? "\r\u{1B}[K" : "") + text + "\n")
    }

    /// Ends an open bar with a line break.
    func finish() {
        if lastBar.withLock({ $0 }) != nil { line("") }
    }

    private func draw(_ text: String) {
        let changed = lastBar.withLock { bar -> Bool in
            guard bar != text else { return false }
            bar = text
            return true
        }
        if changed { write("\r\u{1B}[K" + text) }
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}

/// A text progress bar.
enum ProgressBar {
    /// `[#####-----]  50%` for `done` of `total` (a zero total is complete).
    static func render(done: Int, of total: Int, width: Int = 24) -> String {
        let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let percent = Int((fraction * 100).rounded(.down))
        let padded = String(repeating: " ", count: max(0, 3 - String(percent).count)) + String(percent)
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] " + padded + "%"
    }
}

/// Byte counts for people.
enum ByteCount {
    /// `512 B`, `12.3 KB`, `27.0 MB` (decimal units, as the upload limit is stated).
    static func text(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        let units = ["KB", "MB", "GB"]
        var value = Double(bytes) / 1000
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
