import AsyncHTTPClient
@testable import DashScope
import Testing

/// The lazily made async-http-client: never made when unused, and never left running after shutdown, even when a
/// call asks for it after the gateway shut it down.
@Suite struct LazyHTTPClientTests {
    @Test func aClientAskedForAfterShutdownIsAlreadyClosedAndCallsOnItFail() async throws {
        let lazy = LazyHTTPClient(configuration: HTTPClient.Configuration())
        await lazy.shutdown()  // never made: nothing to shut down
        // The test build is a debug build: a client dropped while still running would trap in its deinit here.
        for _ in 0..<3 {
            let client = lazy.shared
            var request = HTTPClientRequest(url: "http://127.0.0.1:9/never")
            request.method = .GET
            await #expect(throws: (any Error).self) {
                _ = try await client.execute(request, timeout: .seconds(2))
            }
        }
    }

    @Test func theClientMadeOnFirstUseIsTheOneEveryCallShares() async throws {
        let lazy = LazyHTTPClient(configuration: HTTPClient.Configuration())
        #expect(lazy.shared === lazy.shared)
        await lazy.shutdown()
    }
}
