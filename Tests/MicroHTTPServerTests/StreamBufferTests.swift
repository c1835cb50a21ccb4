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

    @Test func everyWaitingWriterResumesOnceTheReaderDrains() async throws {
        // The relay and its keep-alive ticker can both wait on a full buffer: neither may be forgotten.
        let buffer = StreamBuffer(highWater: 1024, suspend: {}, wake: {})
        try await buffer.write([UInt8](repeating: 1, count: 1024))
        let started = Counter()
        let resumed = Counter()
        for byte in [UInt8(2), 3] {
            Task { [buffer, started, resumed] in
                started.add()
                try await buffer.write([UInt8](repeating: byte, count: 100))
                resumed.add()
            }
        }
        while started.value < 2 { await Task.yield() }
        for _ in 0..<200 { await Task.yield() }
        #expect(resumed.value == 0)
        var drained = 0
        while case .bytes(let bytes) = buffer.read(max: 4096) { drained += bytes.count }
        // Bounded wait (a forgotten writer would never resume): at most ~5 s, usually a few yields.
        for _ in 0..<500 where resumed.value < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(resumed.value == 2, "a waiting writer was forgotten")
        while case .bytes(let bytes) = buffer.read(max: 4096) { drained += bytes.count }
        #expect(drained == 1224)
        buffer.abort()
    }

    @Test func abortFailsEveryWaitingWriter() async throws {
        let buffer = StreamBuffer(highWater: 1024, suspend: {}, wake: {})
        try await buffer.write([UInt8](repeating: 1, count: 1024))
        let failed = Counter()
        for _ in 0..<3 {
            Task { [buffer, failed] in
                do { try await buffer.write([UInt8](repeating: 2, count: 100)) } catch { failed.add() }
            }
        }
        for _ in 0..<200 { await Task.yield() }
        buffer.abort()
        for _ in 0..<500 where failed.value < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(failed.value == 3, "a waiting writer was not told the client left")
    }

    @Test func writeIfRoomNeverWaitsAndRefusesWhatDoesNotFit() async throws {
        let buffer = StreamBuffer(highWater: 1024, suspend: {}, wake: {})
        #expect(try buffer.writeIfRoom([UInt8](repeating: 1, count: 1000)))
        #expect(try !buffer.writeIfRoom([UInt8](repeating: 2, count: 100)))
        #expect(buffer.read(max: 4096) == .bytes([UInt8](repeating: 1, count: 1000)))
        buffer.finish()
        #expect(throws: ClientDisconnected.self) { try buffer.writeIfRoom([1]) }
    }

    @Test func abruptFinishSendsWhatIsQueuedThenCuts() async throws {
        let buffer = StreamBuffer(highWater: 1024, suspend: {}, wake: {})
        try await buffer.write([9, 9])
        buffer.finish(abruptly: true)
        #expect(buffer.read(max: 10) == .bytes([9, 9]))
        #expect(buffer.read(max: 10) == .abort)
    }
}

/// A thread-safe count shared with writer tasks.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
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
