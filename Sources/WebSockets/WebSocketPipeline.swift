import NIOCore
import NIOWebSocket

/// Builds a WebSocket connection on a channel whose opening handshake is done: NIOWebSocket's frame codec and
/// fragment aggregator, `WebSocketMessageHandler`, and the async channel the application reads and writes.
enum WebSocketPipeline {
    /// Adds the handlers (the codec too unless an upgrader already added it) and wraps the channel; call on its loop.
    static func wrap(_ channel: Channel, isClient: Bool, limits: WebSocketLimits, addCodec: Bool) throws -> WebSocketChannel {
        let operations = channel.pipeline.syncOperations
        if addCodec {
            try operations.addHandler(WebSocketFrameEncoder())
            try operations.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: limits.maxMessageSize)))
        }
        try operations.addHandler(NIOWebSocketFrameAggregator(
            minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: limits.maxFragments,
            maxAccumulatedFrameSize: limits.maxMessageSize))
        try operations.addHandler(WebSocketMessageHandler(isClient: isClient))
        // A reader that falls 16 messages behind stops the socket reads until it is down to 4.
        return try WebSocketChannel(
            wrappingChannelSynchronously: channel,
            configuration: .init(backPressureStrategy: .init(lowWatermark: 4, highWatermark: 16)))
    }
}
