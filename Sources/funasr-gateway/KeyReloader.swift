import DashScope
import Dispatch
import Gateway
import Glibc
import Logging

/// SIGHUP re-reads the DashScope key file and hands the new key to the gateway: requests and streams already
/// running keep the key they were sent with, every new upstream call uses the new one. A key given by flag or
/// environment cannot change, and an unreadable or malformed file leaves the current key in place; both are logged
/// (by source, never by content).
final class KeyReloader {
    private let source: any DispatchSourceSignal

    /// Installs the SIGHUP watcher; `load` reads the key as at start-up.
    init(gateway: Gateway, logger: Logger, keyFile: String?, load: @escaping @Sendable () throws -> APIKey?) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "funasr-gateway.sighup"))
        source.setEventHandler {
            guard let keyFile else {
                logger.warning("received SIGHUP: the DashScope key was not given by a file, so it stays as it is")
                return
            }
            do {
                guard let key = try load() else { return }
                gateway.rotateKey(key)
                logger.info("received SIGHUP: reloaded the DashScope key", metadata: ["key_file": "\(keyFile)"])
            } catch {
                logger.error("received SIGHUP: the key file could not be used; the current key stays in use: \(error)")
            }
        }
        source.resume()
    }

    deinit {
        source.cancel()
    }
}
