import Foundation
import Glibc
import Synchronization

/// An error of the child process launcher or its pipes: what failed and the C error.
struct ChildProcessError: Error, CustomStringConvertible {
    let description: String

    init(_ what: String, errno code: Int32) {
        description = "\(what): \(String(cString: strerror(code))) (errno \(code))"
    }
}

/// The test process's end of a pipe to or from a child: blocking reads and writes on its own thread (`offPool` or
/// `collectText()`'s reader), closed once: a write end explicitly (the child then reads end of file) or when the last
/// reference goes; a read end only when the last reference goes (a reader holds one while it reads).
final class ChildPipe: Sendable {
    private let descriptor: Mutex<Int32?>

    init(_ fd: Int32) { descriptor = Mutex(fd) }

    deinit { close() }

    /// A new pipe, both ends close-on-exec (the launcher dup2s the child's end onto 0, 1 or 2, which clears it).
    static func make() throws -> (read: ChildPipe, write: ChildPipe) {
        guard let pipe2 = GNUSpawnExtensions.pipe2 else { throw ChildProcessError("pipe2 is missing from this libc", errno: ENOSYS) }
        var fds: [Int32] = [-1, -1]
        guard pipe2(&fds, O_CLOEXEC) == 0 else { throw ChildProcessError("pipe2", errno: errno) }
        return (ChildPipe(fds[0]), ChildPipe(fds[1]))
    }

    /// The descriptor, or nil once closed. Only the launcher uses it, before anyone can close the pipe.
    var rawDescriptor: Int32? { descriptor.withLock { $0 } }

    /// Closes the descriptor (once): the child's reads from the other end see end of file.
    func close() {
        if let fd = descriptor.withLock({ fd in defer { fd = nil }; return fd }) { _ = Glibc.close(fd) }
    }

    /// Blocks until the writers are gone (end of file) and returns everything read.
    func readToEnd() throws -> [UInt8] {
        var data: [UInt8] = []
        while let chunk = try readChunk() { data += chunk }
        return data
    }

    /// Blocks for the next bytes; nil at end of file.
    func readChunk() throws -> [UInt8]? {
        guard let fd = rawDescriptor else { return nil }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 { return Array(buffer[..<count]) }
            if count == 0 { return nil }
            if errno != EINTR { throw ChildProcessError("read from a child's pipe", errno: errno) }
        }
    }

    /// Writes all of `bytes`, blocking while the pipe is full. SIGPIPE is blocked on this thread for the write, so a
    /// child that has exited gives an EPIPE error here instead of killing the test process.
    func write(_ bytes: [UInt8]) throws {
        guard let fd = rawDescriptor else { throw ChildProcessError("write to a closed pipe", errno: EBADF) }
        var pipeSignal = sigset_t(), previous = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            // A SIGPIPE this write raised is pending on this thread: take it before unblocking.
            var none = timespec(tv_sec: 0, tv_nsec: 0)
            while sigtimedwait(&pipeSignal, nil, &none) == SIGPIPE {}
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if errno != EINTR {
                throw ChildProcessError("write to a child's pipe", errno: errno)
            }
        }
    }

    /// Reads this pipe to its end on a thread of its own, appending the text to what it returns as it arrives.
    func collectText() -> CollectedText {
        let text = CollectedText()
        Thread { [self] in
            while let chunk = try? readChunk() { text.append(chunk) }
            text.finish()
        }.start()
        return text
    }
}

/// Text collected from a pipe on another thread (kept as bytes, so a character split across reads decodes whole);
/// `ended` once the pipe reached its end.
final class CollectedText: Sendable {
    private let state = Mutex((bytes: [UInt8](), ended: false))
    func append(_ more: [UInt8]) { state.withLock { $0.bytes += more } }
    func finish() { state.withLock { $0.ended = true } }
    var value: String { String(decoding: state.withLock { $0.bytes }, as: UTF8.self) }
    var ended: Bool { state.withLock { $0.ended } }

    /// Waits (bounded by `seconds`) until the pipe reached its end; returns whether it did.
    @discardableResult
    func waitForEnd(seconds: Int = 20) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(seconds))
        while !ended, clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return ended
    }
}
