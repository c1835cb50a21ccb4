// A base URL may carry `user:password@` (refused at start, but still printed in that refusal, in the start-up
// line and by `funasr-gateway config`). Everything between the scheme and the last `@` is replaced, so neither a
// user name nor a password containing `/`, `?` or `@` survives.

/// Removes user info from URLs before they are printed.
public enum UserInfoRedaction {
    /// `https://<redacted>@host` for `https://user:secret@host`; any other text unchanged.
    public static func redacting(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@") else { return url }
        let start = url.firstRange(of: "://").map(\.upperBound) ?? url.startIndex
        guard start <= at else { return url }
        return String(url[..<start]) + "<redacted>" + String(url[at...])
    }

    /// `text` with every occurrence of `url` replaced by its redacted form.
    public static func redacting(_ url: String, in text: String) -> String {
        guard url.contains("@"), !url.isEmpty else { return text }
        return text.replacing(url, with: redacting(url))
    }
}
