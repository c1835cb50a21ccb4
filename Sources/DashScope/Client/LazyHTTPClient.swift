import AsyncHTTPClient
import Synchronization

/// An async-http-client made on first use: a gateway that never streams, uploads or downloads a result never builds
/// one, and its code and pools stay out of the idle process (idle RSS).
final class LazyHTTPClient: Sendable {
    private let configuration: HTTPClient.Configuration
    private let client = Mutex<HTTPClient?>(nil)

    init(configuration: HTTPClient.Configuration) {
        self.configuration = configuration
    }

    /// The client, made now if this is its first use.
    var shared: HTTPClient {
        client.withLock { client in
            if let client { return client }
            let made = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            client = made
            return made
        }
    }

    /// Shuts the client down if it was ever made.
    func shutdown() async {
        guard let made = client.withLock({ $0 }) else { return }
        try? await made.shutdown()
    }
}
