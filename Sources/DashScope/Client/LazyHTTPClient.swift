import AsyncHTTPClient
import Synchronization

/// An async-http-client made on first use: a gateway that never streams, uploads or downloads a result never builds
/// one, and its code and pools stay out of the idle process (idle RSS).
final class LazyHTTPClient: Sendable {
    private enum State {
        case unmade
        case made(HTTPClient)
        case shutDown
    }

    private let configuration: HTTPClient.Configuration
    private let state = Mutex<State>(.unmade)

    init(configuration: HTTPClient.Configuration) {
        self.configuration = configuration
    }

    /// The client, made now if this is its first use. After `shutdown()` every use gets a client already shutting
    /// down, so a call racing the gateway's exit fails like one on a closed client instead of leaving a client that
    /// is never shut down (async-http-client traps on such a client's deinit in debug builds).
    var shared: HTTPClient {
        let (client, late) = state.withLock { state -> (HTTPClient, Bool) in
            switch state {
            case .made(let client): return (client, false)
            case .unmade:
                let made = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
                state = .made(made)
                return (made, false)
            case .shutDown:
                return (HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration), true)
            }
        }
        if late { Task { try? await client.shutdown() } }
        return client
    }

    /// Shuts the client down if it was ever made; later uses get closed clients.
    func shutdown() async {
        let made = state.withLock { state -> HTTPClient? in
            defer { state = .shutDown }
            if case .made(let client) = state { return client }
            return nil
        }
        try? await made?.shutdown()
    }
}
