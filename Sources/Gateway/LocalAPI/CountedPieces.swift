/// An upload body that reports how many bytes have been handed on so far, after each piece.
struct CountedPieces<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == [UInt8] {
    typealias Element = [UInt8]
    let base: Base
    /// Called with the running total after each piece.
    let report: @Sendable (Int) -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let report: @Sendable (Int) -> Void
        var total = 0

        mutating func next() async throws -> [UInt8]? {
            guard let piece = try await base.next() else { return nil }
            total += piece.count
            report(total)
            return piece
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), report: report)
    }
}
