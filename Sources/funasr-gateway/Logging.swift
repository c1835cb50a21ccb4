import Glibc
import Synchronization
import Gateway
import Logging

/// Bootstraps swift-log once (text, or JSON lines with `--log-format json`, on stderr) and returns a logger.
func makeLogger(label: String, format: String) -> Logger {
    let json = format.lowercased() == "json"
    LoggingSetup.bootstrapOnce(json: json)
    let logger = Logger(label: label)
    if !json, format.lowercased() != "text" {
        logger.warning("unknown --log-format; using text", metadata: ["log_format": "\(format)", "accepted": "text, json"])
    }
    return logger
}

/// Makes `LoggingSystem.bootstrap` idempotent.
enum LoggingSetup {
    private static let bootstrapped = Mutex(false)

    static func bootstrapOnce(json: Bool) {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            // Lines held for a batch (at most 20 ms) still go out when the process exits normally.
            atexit { StandardErrorLines.shared.flush() }
            LoggingSystem.bootstrap { label in
                if json {
                    var handler = JSONLogHandler.standardError(label: label)
                    handler.logLevel = .info
                    return handler
                }
                var handler = TextLogHandler.standardError(label: label)
                handler.logLevel = .info
                return handler
            }
        }
    }
}
