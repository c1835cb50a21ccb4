import Glibc
import NIOCore

/// A local file as an upload body: read in 256 KiB pieces as the HTTP client asks for them, so a 100 MB file never
/// sits in memory; `progress` hears the bytes handed over so far.
struct AudioFileBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let path: String
    let progress: @Sendable (Int) -> Void

    /// Reads the next piece; the file is closed at its end or when the upload is abandoned.
    struct AsyncIterator: AsyncIteratorProtocol {
        let reader: FileReader?
        let progress: @Sendable (Int) -> Void
        var sent = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let reader, let piece = try reader.read(max: 256 << 10) else { return nil }
            sent += piece.readableBytes
            progress(sent)
            return piece
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: FileReader(path: path), progress: progress)
    }
}

/// An open file descriptor, closed when the last reference goes.
final class FileReader: @unchecked Sendable {
    private let fd: Int32

    /// Opens `path` for reading; nil when it cannot be opened (the size check before the upload names why).
    init?(path: String) {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
    }

    deinit { close(fd) }

    /// Up to `max` bytes; nil at the end of the file.
    func read(max: Int) throws -> ByteBuffer? {
        var buffer = ByteBufferAllocator().buffer(capacity: max)
        let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: max) { raw in
            var result: Int
            repeat { result = Glibc.read(fd, raw.baseAddress, max) } while result < 0 && errno == EINTR
            return Swift.max(result, 0)
        }
        return count == 0 ? nil : buffer
    }
}
