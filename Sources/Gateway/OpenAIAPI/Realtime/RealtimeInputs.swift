import NIOCore
import WebSockets

/// What the Realtime bridge's one consumer loop handles, from the client's socket, DashScope's socket, or a dial.
enum RealtimeInput: Sendable {
    /// A message or close from the client; nil when the client vanished without a close frame.
    case client(WebSocketInbound?)
    /// A DashScope connection opened (the `generation`-th); its writer.
    case upstreamOpened(generation: Int, writer: NIOAsyncChannelOutboundWriter<WebSocketOutbound>)
    /// Dialling DashScope failed.
    case upstreamRefused(generation: Int, RealtimeError)
    /// A message or close from DashScope; nil when it vanished without a close frame.
    case upstream(generation: Int, WebSocketInbound?)
    /// The bridge's clock ticked (a running task idle for too long is finished).
    case tick
}

/// A rendezvous between the socket readers and the bridge's consumer loop: `send` returns once the consumer has
/// handled the input, so a reader reads its next message only then and each socket's back-pressure holds.
struct RealtimeInputs: Sendable {
    typealias Element = (input: RealtimeInput, handled: CheckedContinuation<Void, Never>)
    /// The consumer's side.
    let stream: AsyncStream<Element>
    private let continuation: AsyncStream<Element>.Continuation

    /// A new, open rendezvous.
    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Element.self)
    }

    /// Hands `input` to the consumer and waits until it was handled (or the consumer has ended).
    func send(_ input: RealtimeInput) async {
        await withCheckedContinuation { handled in
            if case .terminated = continuation.yield((input, handled)) { handled.resume() }
        }
    }

    /// Ends the rendezvous: inputs still queued are released unhandled, later sends return at once.
    func finish() async {
        continuation.finish()
        for await element in stream { element.handled.resume() }
    }
}
