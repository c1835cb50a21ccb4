@testable import MicroHTTPServer
import Synchronization
import Testing

@Suite struct StreamBufferTests {
    @Test func writesWaitAboveTheHighWaterMarkUntilTheReaderDrains() async throws {
        let buffer = StreamBuffer(highWater: 1024, suspend: {}, wake: {})
        let finished = Mutex(false)
        let producer = Task {
            for _ in 0..<8 { try await buffer.write([UInt8](repeating: 1, count: 512)) }
            finished.withLock { $0 = true }
        }
        // The producer can queue at most highWater + one write before it must wait.
        var drained = 0
        while !finished.withLock({ $0 }) {
            await Task.yield()
            if case .bytes(let bytes) = buffer.read(max: 256) {
                drained += bytes.count
            }
        }
        try await producer.value
        while case .bytes(let bytes) = buffer.read(max: 4096) { drained += bytes.count }
        #expect(drained == 8 * 512)
    }

    @Test func queuedBytesNeverExceedTheBoundWhileNobodyReads() async throws {
        let buffer = StreamBuffer(highWater: 1024, suspend: {}, wake: {})
        let written = Mutex(0)
        let producer = Task {
            for _ in 0..<100 {
                try await buffer.write([UInt8](repeating: 1, count: 100))
                written.withLock { $0 += 100 }
            }
        }
        for _ in 0..<1000 { await Task.yield() }
        #expect(written.withLock { $0 } <= 1024 + 100)
        buffer.abort()
        await #expect(throws: ClientDisconnected.self) { try await producer.value }
    }

    @Test func readerSuspendsWhenEmptyAndWakesOnWriteAndFinish() async throws {
        let suspends = Mutex(0)
        let wakes = Mutex(0)
        let buffer = StreamBuffer(highWater: 1024, suspend: { suspends.withLock { $0 += 1 } }, wake: { wakes.withLock { $0 += 1 } })
        #expect(buffer.read(max: 10) == .suspend)
        try await buffer.write([1, 2, 3])
        #expect(wakes.withLock { $0 } == 1)
        #expect(buffer.read(max: 10) == .bytes([1, 2, 3]))
        #expect(buffer.read(max: 10) == .suspend)
        buffer.finish()
        #expect(buffer.read(max: 10) == .endOfStream)
        #expect(suspends.withLock { $0 } == 2)
    }

    @Test func abruptFinishSendsWhatIsQueuedThenCuts() async throws {
        let buffer = StreamBuffer(highWater: 1024, suspend: {}, wake: {})
        try await buffer.write([9, 9])
        buffer.finish(abruptly: true)
        #expect(buffer.read(max: 10) == .bytes([9, 9]))
        #expect(buffer.read(max: 10) == .abort)
    }
}

@Suite struct HTTPHeadersTests {
    @Test func namesCompareCaseInsensitivelyForLettersOnly() {
        var headers: HTTPHeaders = ["Content-Type": "a", "X-Request-Id": "b"]
        #expect(headers["content-type"] == "a")
        #expect(headers["X-REQUEST-ID"] == "b")
        #expect(headers["Content-Typ"] == nil)
        #expect(!HTTPHeaders.sameName("a[", "A{"))
        #expect(!HTTPHeaders.sameName("x-1", "X\r1"))
        headers.replace("content-TYPE", "c")
        #expect(headers.values("Content-Type") == ["c"])
        headers.remove("x-request-id")
        #expect(headers.fields.count == 1)
    }
}
