import Synchronization

/// Writes a streamed response body; each write goes to the client as its own chunk, at once.
///
/// Writes wait while more than a small bounded amount is queued for a slow client, and throw
/// `ClientDisconnected` once the client has gone.
public final class ResponseBodyWriter: Sendable {
    let buffer: StreamBuffer

    init(buffer: StreamBuffer) {
        self.buffer = buffer
    }

    /// Queues bytes for the client; waits while the queue is above its bound.
    public func write(_ bytes: [UInt8]) async throws {
        try await buffer.write(bytes)
    }

    /// Queues UTF-8 text for the client.
    public func write(_ text: String) async throws {
        try await buffer.write(Array(text.utf8))
    }

    /// Queues bytes only if they fit without waiting (e.g. a keep-alive); false when the client is behind.
    public func writeIfRoom(_ bytes: [UInt8]) throws -> Bool {
        try buffer.writeIfRoom(bytes)
    }

    /// Ends the stream abruptly: what is queued is sent, then the connection closes without the chunked terminator.
    public func abortConnection() {
        buffer.finish(abruptly: true)
    }

    /// False once the client has gone or the stream was ended.
    public var isClientConnected: Bool {
        buffer.isOpen
    }
}
