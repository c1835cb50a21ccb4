import NIOCore
import NIOPosix

/// Runs a WebSocket on a socket some other code accepted and upgraded (libmicrohttpd's upgrade handover).
public enum WebSocketAdoption {
    /// Hands `descriptor` to NIO (which owns it from now on and closes it) on the process-wide event loop group,
    /// feeds `bufferedInput` (bytes read past the request head before the handover) through the codec first, and
    /// returns the connection as an async channel.
    public static func adopt(descriptor: CInt, bufferedInput: [UInt8], limits: WebSocketLimits) async throws -> WebSocketChannel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .withConnectedSocket(descriptor) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = try WebSocketPipeline.wrap(channel, isClient: false, limits: limits, addCodec: true)
                    if !bufferedInput.isEmpty {
                        channel.pipeline.syncOperations.fireChannelRead(NIOAny(channel.allocator.buffer(bytes: bufferedInput)))
                    }
                    return connection
                }
            }
    }
}
