import Glibc

/// An upload spooled to disk as it arrives, so a 100 MB file costs a few hundred KiB of memory: an anonymous file
/// in `$TMPDIR` (else /tmp), unlinked the moment it is created — nothing is left behind by a crash — and closed
/// when the last reference goes. The one file of the gateway that calls POSIX file functions.
final class SpooledFile: @unchecked Sendable {
    private let fd: Int32
    /// Bytes written so far.
    private(set) var size = 0

    /// Creates the file; nil (after which the caller answers 507/500) when no temporary file can be made.
    init?() {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/funasr-gateway-upload-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends bytes; false when the disk refused them (full, or an I/O error).
    func append(_ bytes: some Collection<UInt8>) -> Bool {
        let contiguous = Array(bytes)
        var offset = 0
        while offset < contiguous.count {
            let written = contiguous.withUnsafeBytes { raw in
                pwrite(fd, raw.baseAddress! + offset, raw.count - offset, off_t(size + offset))
            }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        size += contiguous.count
        return true
    }

    /// Up to `count` bytes from `offset` (fewer only at the end); nil on a read error.
    func read(at offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: max(0, min(count, size - offset)))
        var done = 0
        while done < bytes.count {
            let got = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }

    /// The whole content as pieces of `chunkSize` bytes, read as they are asked for.
    func pieces(chunkSize: Int = 256 << 10) -> SpooledFilePieces {
        SpooledFilePieces(file: self, chunkSize: chunkSize)
    }
}

/// A spooled file read back piece by piece (an upload body).
struct SpooledFilePieces: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let file: SpooledFile
    let chunkSize: Int

    /// Reads the next piece.
    struct AsyncIterator: AsyncIteratorProtocol {
        let file: SpooledFile
        let chunkSize: Int
        var offset = 0

        mutating func next() async throws -> [UInt8]? {
            guard offset < file.size else { return nil }
            guard let piece = file.read(at: offset, count: chunkSize), !piece.isEmpty else {
                throw SpoolReadError()
            }
            offset += piece.count
            return piece
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(file: file, chunkSize: chunkSize)
    }
}

/// The spooled file could not be read back.
struct SpoolReadError: Error {}
