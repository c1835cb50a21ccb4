import Foundation

/// The raw measurements `scripts/bench.sh` collects, one per line:
/// `test<TAB>route<TAB>conns<TAB>condition<TAB>round<TAB>metric<TAB>value`.
struct Measurements: Sendable {
    struct Row: Sendable {
        var test: String
        var route: String
        var conns: Int
        var condition: String
        var round: Int
        var metric: String
        var value: Double
    }

    var rows: [Row] = []

    /// Parses the file; malformed lines are skipped.
    init(text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 7, let conns = Int(parts[2]), let round = Int(parts[4]), let value = Double(parts[6]) else {
                continue
            }
            rows.append(Row(test: parts[0], route: parts[1], conns: conns, condition: parts[3], round: round,
                            metric: parts[5], value: value))
        }
    }

    /// Values of one cell by round.
    func values(_ test: String, _ route: String, _ conns: Int, _ condition: String, _ metric: String) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for row in rows where row.test == test && row.route == route && row.conns == conns
            && row.condition == condition && row.metric == metric {
            out[row.round] = row.value
        }
        return out
    }

    /// The median over rounds of one cell.
    func median(_ test: String, _ route: String, _ conns: Int, _ condition: String, _ metric: String) -> Double? {
        Stats.median(Array(values(test, route, conns, condition, metric).values))
    }

    /// The median over rounds of `combine(a, b)` where both cells were measured in the same round.
    func pairedMedian(
        _ test: String, _ route: String, _ conns: Int, _ metric: String, _ a: String, _ b: String,
        _ combine: (Double, Double) -> Double
    ) -> Double? {
        let left = values(test, route, conns, a, metric)
        let right = values(test, route, conns, b, metric)
        return Stats.median(left.compactMap { round, value in right[round].map { combine(value, $0) } })
    }

    /// Distinct routes of a test in first-seen order.
    func routes(_ test: String) -> [String] {
        var seen: [String] = []
        for row in rows where row.test == test && !seen.contains(row.route) { seen.append(row.route) }
        return seen
    }

    /// Distinct connection counts of a test and route, ascending.
    func conns(_ test: String, _ route: String) -> [Int] {
        Array(Set(rows.filter { $0.test == test && $0.route == route }.map(\.conns))).sorted()
    }

    /// Distinct conditions of a test in first-seen order.
    func conditions(_ test: String) -> [String] {
        var seen: [String] = []
        for row in rows where row.test == test && !seen.contains(row.condition) { seen.append(row.condition) }
        return seen
    }

    /// How many rounds the file holds for a test.
    func rounds(_ test: String) -> Int {
        Set(rows.filter { $0.test == test }.map(\.round)).count
    }
}
