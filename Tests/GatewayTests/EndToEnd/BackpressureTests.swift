import AsyncHTTPClient
import NIOCore
import ServerSentEvents
import Testing

@Suite struct BackpressureTests {
    @Test func aClientThatStopsReadingPausesTheUpstreamInsteadOfGrowingMemory() async throws {
        // 16,000 events of ~4 KB: ~64 MB if nothing pushed back.
        let flood = FloodUpstream(events: 16_000, eventBytes: 4000)
        let upstream = try flood.start()
        try await GatewayHarness.with(configure: { $0.baseURL = "http://127.0.0.1:\(upstream.port)" }) { h in
            var request = HTTPClientRequest(url: h.base + "/v1/flash")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"audio_url": "https://e.com/a.wav", "stream": true}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status.code == 200)
            // Read nothing. Wait until the upstream's writer stops making progress.
            var last = -1
            var stableRounds = 0
            while stableRounds < 10 {
                try await Task.sleep(for: .milliseconds(50))
                let now = flood.written.withLock { $0 }
                stableRounds = now == last ? stableRounds + 1 : 0
                last = now
            }
            #expect(!flood.finished.withLock { $0 })
            // Kernel socket buffers on loopback hold a few MB on each hop; the gateway adds at most its 64 KiB queue.
            #expect(last < 24 << 20, "upstream pushed \(last) bytes into a client that reads nothing")
            print("backpressure: upstream wrote \(last) bytes before pausing")
            // Now read everything: the relay resumes and every event arrives.
            var events = 0
            var parser = SSEParser()
            for try await chunk in response.body {
                events += try parser.feed(Array(buffer: chunk)).filter { $0.event == "result" }.count
            }
            #expect(events == 16_000)
            #expect(flood.finished.withLock { $0 })
        }
        await upstream.shutdown()
    }
}
