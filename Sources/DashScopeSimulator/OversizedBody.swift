import MicroHTTPServer

/// The body of the `oversizedBody` fault: `{"padding":"xxx…"}` of an exact size, written 64 KiB at a time so the
/// simulator never holds it (a test can ask for far more than the gateway may read).
enum OversizedBody {
    private static let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)

    /// Writes the document; stops (throwing) as soon as the client has gone.
    static func write(bytes total: Int, to writer: ResponseBodyWriter) async throws {
        let head = Array(#"{"padding":""#.utf8), tail = Array(#""}"#.utf8)
        guard total >= head.count + tail.count else {
            try await writer.write(Array(#"{}"#.utf8.prefix(total)))
            return
        }
        try await writer.write(head)
        var left = total - head.count - tail.count
        while left > 0 {
            let count = min(left, chunk.count)
            try await writer.write(count == chunk.count ? chunk : Array(chunk[..<count]))
            left -= count
        }
        try await writer.write(tail)
    }
}
