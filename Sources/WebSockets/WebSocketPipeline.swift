import NIOCore
import NIOWebSocket

/// Builds a WebSocket connection on a channel whose opening handshake is done: NIOWebSocket's frame codec and
/// fragment aggregator, `WebSocketMessageHandler`, and the async channel the application reads and writes.
enum WebSocketPipeline {
    /// Adds the handlers (the codec too unless an upgrader already added it) and wraps the channel; call on its loop.
    static func wrap(_ channel: Channel, isClient: Bool, limits: WebSocketLimits, addCodec: Bool) throws -> WebSocketChannel {
        let operations = channel.pipeline.syncOperations
        // Writes wait (back-pressure to the other side of a relay) once 32 KiB are queued instead of NIO's 64 KiB:
        // ten 100 ms audio frames, and half the memory a lagging peer can pin per connection.
        try channel.syncOptions?.setOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 8 << 10, high: 32 << 10))
        // Reads of at most 16 KiB, two per loop turn: NIO's defaults (up to 64 KiB, four reads a turn) let a peer
        // that is ahead push 256 KiB of messages past the reader's back-pressure before reads stop.
        try channel.syncOptions?.setOption(
            ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 4096, maximum: 16 << 10))
        try channel.syncOptions?.setOption(ChannelOptions.maxMessagesPerRead, value: 2)
        if addCodec {
            try operations.addHandler(WebSocketFrameEncoder())
            try operations.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: limits.maxMessageSize)))
        }
        try operations.addHandler(NIOWebSocketFrameAggregator(
            minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: limits.maxFragments,
            maxAccumulatedFrameSize: limits.maxMessageSize))
        try operations.addHandler(WebSocketMessageHandler(isClient: isClient))
        // A reader that falls 8 messages behind stops the socket reads until it is down to 2 (0.8 s of 100 ms
        // audio frames queued at most; more only cost memory across 1,000 sessions).
        return try WebSocketChannel(
            wrappingChannelSynchronously: channel,
            configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8)))
    }
}
