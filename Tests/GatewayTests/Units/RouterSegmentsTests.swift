@testable import Gateway
import Testing

/// The router splits a path at every `/` byte (a `/` followed by a combining mark still separates, as in a URL,
/// where a split by Characters would keep them together): the same segments as a split of its Unicode scalars.
@Suite struct RouterSegmentsTests {
    @Test(arguments: [
        "", "/", "//", "/healthz", "/healthz/", "/api/v1/tasks/8d4f8e2a-6c1b", "//a///b//", "a/b", "/v1/caf\u{e9}/\u{1F600}x",
        "/e\u{301}/x", "/\u{301}/y", "/%2F/z",
    ])
    func segmentsMatchACharacterSplit(_ path: String) {
        let expected = path.unicodeScalars.split(separator: "/").map { String(String.UnicodeScalarView($0)) }
        #expect(Router.segments(of: path).map(String.init) == expected)
    }
}
