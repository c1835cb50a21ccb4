
/// The incremental SSE parser: any bytes, fed whole and fed in pieces whose sizes the input's first byte picks,
/// give the same events (or the same error), and never crash.
func fuzzOne(_ input: [UInt8]) {
    guard let first = input.first else { return }
    let body = Array(input.dropFirst())
    let step = Int(first % 17) + 1
    let whole = run(body, pieces: [body[...]])
    var pieces: [ArraySlice<UInt8>] = []
    var index = 0
    while index < body.count {
        pieces.append(body[index..<min(body.count, index + step)])
        index += step
    }
    let split = run(body, pieces: pieces)
    precondition(whole == split, "feeding in pieces changed the parse")
}

private func run(_ body: [UInt8], pieces: [ArraySlice<UInt8>]) -> [String] {
    var parser = SSEParser(maxLineBytes: 4096, maxEventBytes: 16384)
    var seen: [String] = []
    for piece in pieces {
        do {
            seen += try parser.feed(piece).map(describe)
        } catch {
            seen += error.completedEvents.map(describe)
            seen.append("error")
            return seen
        }
    }
    if let last = parser.finish() { seen.append(describe(last)) }
    return seen
}

private func describe(_ event: ServerSentEvent) -> String {
    "\(event.id ?? "-")|\(event.event ?? "-")|\(event.data)|\(event.retry ?? -1)|\(event.comments)"
}
