import Foundation
import Logging

/// Bootstraps swift-log once (text or JSON lines on stderr) and returns a logger.
func makeLogger(label: String, format: String) -> Logger {
    LoggingSetup.bootstrapOnce(json: format == "json")
    return Logger(label: label)
}

/// Makes `LoggingSystem.bootstrap` idempotent.
enum LoggingSetup {
    private static let done = NSLock()
    nonisolated(unsafe) private static var bootstrapped = false

    static func bootstrapOnce(json: Bool) {
        done.lock()
        defer { done.unlock() }
        guard !bootstrapped else { return }
        bootstrapped = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
    }
}
