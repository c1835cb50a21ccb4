@testable import MicroHTTPServer
import Synchronization
import Testing

/// The streamed body's back-pressure and end rules, without sockets.
@Suite struct RequestBodyStreamTests {
    private func makeStream(window: Int = 100, declared: Int? = nil) -> (RequestBodyStream, Counter, Counter) {
        let suspends = Counter()
        let wakes = Counter()
        let stream = RequestBodyStream(declaredLength: declared, window: window, suspend: { suspends.add() }, wake: { wakes.add() })
        return (stream, suspends, wakes)
    }

    @Test func suspendsOncePastTheWindowAndWakesWhenTheReaderHasTakenHalf() async throws {
        let (stream, suspends, wakes) = makeStream()
        for index in 0..<4 { stream.offer([UInt8](repeating: UInt8(index), count: 40)) }
        #expect(suspends.value == 1)
        #expect(stream.isProducerSuspended)
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next() == [UInt8](repeating: 0, count: 40))
        #expect(try await iterator.next() == [UInt8](repeating: 1, count: 40))
        #expect(wakes.value == 0, "80 bytes still wait: above half the window")
        #expect(try await iterator.next() == [UInt8](repeating: 2, count: 40))
        #expect(wakes.value == 1)
        #expect(!stream.isProducerSuspended)
        stream.finish()
        #expect(try await iterator.next() == [UInt8](repeating: 3, count: 40))
        #expect(try await iterator.next() == nil)
        #expect(stream.peakBufferedBytes == 160)
        #expect(stream.suspensions == 1)
    }

    @Test func aWaitingReaderGetsTheNextPieceHandedOver() async throws {
        let (stream, suspends, _) = makeStream()
        let reader = Task { try await stream.collect(upTo: 1000) }
        for _ in 0..<20 {
            await Task.yield()
            stream.offer([1, 2, 3])
        }
        stream.finish()
        #expect(try await reader.value == [UInt8]([1, 2, 3]).repeated(20))
        #expect(suspends.value == 0)
    }

    @Test func aFailureComesAfterWhatWasQueued() async throws {
        let (stream, _, _) = makeStream()
        stream.offer([7])
        stream.fail(.clientDisconnected)
        stream.offer([8])
        var iterator = stream.makeAsyncIterator()
        #expect(try await iterator.next() == [7])
        await #expect(throws: RequestBodyError.clientDisconnected) { _ = try await iterator.next() }
        stream.finish()
        await #expect(throws: RequestBodyError.clientDisconnected) { _ = try await iterator.next() }
    }

    @Test func aReaderThatIsDoneDropsQueuedAndLaterPiecesAndWakesTheConnection() async throws {
        let (stream, _, wakes) = makeStream()
        stream.offer([UInt8](repeating: 1, count: 150))
        #expect(stream.isProducerSuspended)
        stream.readerFinished()
        #expect(wakes.value == 1)
        stream.offer([UInt8](repeating: 1, count: 500))
        #expect(stream.peakBufferedBytes == 150)
        #expect(stream.receivedBytes == 650)
    }

    @Test func cancellingTheReaderEndsItsWaitWithAnError() async throws {
        let (stream, _, _) = makeStream()
        let reader = Task { try await stream.collect(upTo: 1000) }
        reader.cancel()
        await #expect(throws: RequestBodyError.clientDisconnected) { _ = try await reader.value }
    }

    @Test func collectRefusesMoreThanItsLimit() async throws {
        let (stream, _, _) = makeStream(window: 1 << 20)
        stream.offer([UInt8](repeating: 1, count: 600))
        stream.offer([UInt8](repeating: 1, count: 600))
        stream.finish()
        await #expect(throws: RequestBodyError.tooLarge(limit: 1000)) { _ = try await stream.collect(upTo: 1000) }
    }
}

private extension Array {
    func repeated(_ times: Int) -> [Element] { (0..<times).flatMap { _ in self } }
}
