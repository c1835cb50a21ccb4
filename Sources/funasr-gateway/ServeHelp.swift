import ArgumentParser

/// The option list of `serve --help`, repeated in the top-level `--help` (where the gateway runs by default).
enum ServeHelp {
    /// The lines under `OPTIONS:` of `funasr-gateway serve --help`, without `--version` and `--help`.
    static let options: String = {
        let lines = Serve.helpMessage(columns: 80).split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("OPTIONS:") }) else { return "" }
        var kept: [Substring] = []
        var skipping = false
        for line in lines[lines.index(after: start)...] {
            let trimmed = line.drop { $0 == " " }
            if line.hasPrefix("  "), !line.hasPrefix("    ") || trimmed.hasPrefix("-") {
                skipping = trimmed.hasPrefix("--version") || trimmed.hasPrefix("-h, --help")
            }
            if !skipping, !line.isEmpty { kept.append(line) }
        }
        return kept.joined(separator: "\n")
    }()
}
