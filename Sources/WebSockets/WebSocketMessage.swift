import NIOCore
import NIOWebSocket

/// A complete WebSocket data message (fragments already joined).
public enum WebSocketMessage: Sendable, Equatable {
    /// A text message (UTF-8, passed on as bytes).
    case text(ByteBuffer)
    /// A binary message.
    case binary(ByteBuffer)
}

/// What a WebSocket connection delivers to its reader.
public enum WebSocketInbound: Sendable, Equatable {
    /// A data message from the peer.
    case message(WebSocketMessage)
    /// The peer's close frame (already answered); nothing follows.
    case close(code: WebSocketErrorCode?, reason: String)
}

/// What a WebSocket connection's writer sends.
public enum WebSocketOutbound: Sendable, Equatable {
    /// A data message, sent as one frame.
    case message(WebSocketMessage)
    /// A close frame; the connection closes once the peer answers it (or after a short grace period).
    case close(code: WebSocketErrorCode, reason: String)
}

/// A WebSocket connection as an async channel: read `WebSocketInbound`, write `WebSocketOutbound`, both with
/// back-pressure (the reader stops the socket reads when it falls behind; a write waits while the socket is full).
public typealias WebSocketChannel = NIOAsyncChannel<WebSocketInbound, WebSocketOutbound>

/// Size limits of one WebSocket connection.
public struct WebSocketLimits: Sendable {
    /// The largest message (a frame, or fragments joined); a larger one closes the connection with 1009.
    public var maxMessageSize: Int
    /// The most fragments one message may arrive in.
    public var maxFragments: Int

    /// Creates limits (1 MiB messages in at most 1,024 fragments by default).
    public init(maxMessageSize: Int = 1 << 20, maxFragments: Int = 1024) {
        self.maxMessageSize = maxMessageSize
        self.maxFragments = maxFragments
    }
}
