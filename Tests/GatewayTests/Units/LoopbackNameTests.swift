@testable import Gateway
import Testing

/// The loopback rule behind the browser guard's `Host` and `Origin` checks, read byte by byte.
@Suite struct LoopbackNameTests {
    @Test(arguments: [
        "localhost", "LOCALHOST", "LocalHost:8080", "localhost.", "localhost.:80", "app.localhost", "a.b.LOCALHOST:1",
        "127.0.0.1", "127.0.0.1:8080", "127.255.255.255", "127.1.2.3:65535", "127.0.0.1.", "[::1]", "[::1]:8080",
        "[0:0:0:0:0:0:0:1]:9", "127.0.0.1:1",
    ])
    func loopbackAuthorities(_ authority: String) {
        #expect(LoopbackName.isLoopbackAuthority(authority[...]))
    }

    @Test(arguments: [
        "", ":80", "example.com", "localhost.example.com", "xlocalhost", ".localhost", "127.0.0.1:", "127.0.0.1:123456",
        "127.0.0.1:8o", "127.0.0.256", "127.0.0", "127.0.0.1.1", "127..0.1", "1270.0.0.1", "128.0.0.1", "0127.0.0.1",
        "[::2]", "[::1", "[::1]x", "[::1]:", "::1", "127.0.0.1 ", "loc\u{e1}lhost", "127.0.0.\u{661}", "[::1]:8080:1",
    ])
    func otherAuthorities(_ authority: String) {
        #expect(!LoopbackName.isLoopbackAuthority(authority[...]))
    }

    @Test func originsNeedAnHTTPSchemeAndALoopbackAuthority() {
        for origin in ["http://localhost:3000", "HTTPS://127.0.0.1", "http://[::1]:8080", "https://app.localhost"] {
            #expect(LoopbackName.isLoopbackOrigin(origin), "\(origin)")
        }
        for origin in ["null", "file://localhost", "http://", "http://localhost/", "http://user@localhost",
                       "http://evil.example", "ws://localhost", "http://localhost.evil.example"] {
            #expect(!LoopbackName.isLoopbackOrigin(origin), "\(origin)")
        }
    }

    @Test func aSubstringIsReadWithinItsBounds() {
        let header = "xx127.0.0.1:80yy"
        let start = header.index(header.startIndex, offsetBy: 2)
        let end = header.index(header.endIndex, offsetBy: -2)
        #expect(LoopbackName.isLoopbackAuthority(header[start..<end]))
        #expect(!LoopbackName.isLoopbackAuthority(header[header.startIndex..<end]))
    }
}
