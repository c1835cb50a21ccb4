import MicroHTTPServer

/// Where a stream's bytes go: the server's `ResponseBodyWriter`, or a collector in tests.
protocol StreamSink: Sendable {
    /// Sends bytes as one chunk; throws once the client has gone.
    func write(_ bytes: [UInt8]) async throws
    /// Cuts the connection without the chunked terminator.
    func abortConnection()
}

extension ResponseBodyWriter: StreamSink {}

/// One SSE answer: the payloads, pacing and stream faults; `play` writes it to a sink.
struct SSEStream: Sendable {
    var payloads: [String]
    var requestID: String
    var interval: Duration
    var faults: AppliedFaults

    /// Writes every event (each in one write, unless `tinyWrites`), applying the faults; stops when the client leaves.
    func play(on sink: some StreamSink, sleep: SimulatorSleep) async {
        do {
            for (index, payload) in payloads.enumerated() {
                if try await interrupt(afterSent: index, isEnd: false, sink: sink, sleep: sleep) { return }
                if let stall = faults.stall, stall.events == index, stall.seconds > 0 {
                    try await sleep(.milliseconds(Int64(stall.seconds * 1000)))
                } else if index > 0, interval > .zero {
                    try await sleep(interval)
                }
                try await send(SSEFraming.result(id: index + 1, data: payload, lineEnding: lineEnding), to: sink)
            }
            if let stall = faults.stall, stall.events >= payloads.count, stall.seconds > 0 {
                try await sleep(.milliseconds(Int64(stall.seconds * 1000)))
            }
            _ = try await interrupt(afterSent: payloads.count, isEnd: true, sink: sink, sleep: sleep)
        } catch {
            return
        }
    }

    private var lineEnding: String { faults.crlf ? "\r\n" : "\n" }

    /// Applies `dropAfter`/`errorFrameAfter` once `sent` events are out (or at the end); true when the stream is over.
    ///
    /// Before a drop it waits `dropGrace`: an abort discards bytes the server has not sent yet, and the
    /// fault promises that the first `n` events arrive.
    private func interrupt(afterSent sent: Int, isEnd: Bool, sink: some StreamSink, sleep: SimulatorSleep) async throws -> Bool {
        if let drop = faults.dropAfter, drop <= sent || isEnd {
            if sent > 0 { try await sleep(Self.dropGrace) }
            sink.abortConnection()
            return true
        }
        if let errorAt = faults.errorFrameAfter, errorAt <= sent || isEnd {
            let error = SimulatedError.internalError
            let frame = SSEFraming.error(
                id: sent + 1, status: error.status, code: error.code, message: error.message,
                requestID: requestID, lineEnding: lineEnding)
            try await send(frame, to: sink)
            return true
        }
        return false
    }

    private func send(_ bytes: [UInt8], to sink: some StreamSink) async throws {
        guard faults.tinyWrites else {
            try await sink.write(bytes)
            return
        }
        var start = 0
        var size = 1
        while start < bytes.count {
            let end = min(bytes.count, start + size)
            try await sink.write(Array(bytes[start..<end]))
            start = end
            size = size % 3 + 1
        }
    }

    /// How long a drop waits for already written events to leave.
    static let dropGrace = Duration.milliseconds(100)

    /// The bytes of the `garbage` fault: an HTML error page with a NUL and invalid UTF-8.
    static let garbage: [UInt8] = Array("<html><body>502 Bad Gateway</body></html>\r\n".utf8) + [0x00, 0xFF, 0xFE, 0x7B, 0x22]
}

/// How the simulator waits (stream pacing, stalls, slow first byte); injectable so tests never sleep for real.
public typealias SimulatorSleep = @Sendable (Duration) async throws -> Void
