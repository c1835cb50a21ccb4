// Header values, form fields and configuration lists are trimmed of surrounding whitespace in many places;
// this is the one helper, so no module needs Foundation (and its ~6 MB of resident libraries) for it.

extension StringProtocol {
    /// The text without leading and trailing whitespace (spaces, tabs, newlines, Unicode spaces).
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
