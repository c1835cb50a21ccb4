import Gateway
import Glibc
import Testing

/// Log lines reach standard error whole and in order, with one write per quiet line and batches under load.
@Suite struct StandardErrorLinesTests {
    /// A pipe whose read end never blocks.
    private struct Pipe {
        let read: Int32
        let write: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            read = ends[0]
            write = ends[1]
            _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
        }

        /// What the pipe holds now ("" when nothing).
        func available() -> String {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            let count = buffer.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
        }

        /// Waits (off the cooperative pool) up to `seconds` for something to read.
        func waitReadable(seconds: Int32) async throws -> Bool {
            let fd = read
            return try await offPool {
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                return poll(&entry, 1, seconds * 1000) == 1
            }
        }

        func close() {
            Glibc.close(read)
            Glibc.close(write)
        }
    }

    /// A pipe and lines held for `window` after a write, with a first (quiet) line already through at once.
    private static func afterAQuietLine(window: Duration, limit: Int = 64 * 1024) throws -> (Pipe, StandardErrorLines) {
        let pipe = try Pipe()
        let lines = StandardErrorLines(descriptor: pipe.write, window: window, limit: limit)
        lines.write("first\n")
        #expect(pipe.available() == "first\n")
        return (pipe, lines)
    }

    @Test func aLineAfterAQuietSpellGoesOutAtOnceAndTheLinesRightAfterItWaitForTheWindow() throws {
        let (pipe, lines) = try Self.afterAQuietLine(window: .seconds(60))
        defer { pipe.close() }
        lines.write("second\n")
        lines.write("third\n")
        #expect(pipe.available() == "")
        lines.flush()
        #expect(pipe.available() == "second\nthird\n")
        lines.flush()
        #expect(pipe.available() == "")
    }

    @Test func anUrgentLineGoesOutAtOnceAfterEverythingHeldBeforeIt() throws {
        let (pipe, lines) = try Self.afterAQuietLine(window: .seconds(60))
        defer { pipe.close() }
        lines.write("request 2\n")
        lines.write("request 3\n")
        #expect(pipe.available() == "")
        lines.write("warning\n", urgent: true)
        #expect(pipe.available() == "request 2\nrequest 3\nwarning\n")
    }

    @Test func aBatchThatReachesTheLimitGoesOutWithoutWaitingForTheWindow() throws {
        let (pipe, lines) = try Self.afterAQuietLine(window: .seconds(60), limit: 100)
        defer { pipe.close() }
        let line = String(repeating: "x", count: 29) + "\n"
        for _ in 0..<3 { lines.write(line) }
        #expect(pipe.available() == "")
        lines.write(line)
        #expect(pipe.available() == String(repeating: line, count: 4))
    }

    @Test func heldLinesGoOutOnTheirOwnWhenTheWindowEnds() async throws {
        let (pipe, lines) = try Self.afterAQuietLine(window: .milliseconds(20))
        defer { pipe.close() }
        lines.write("held\n")
        // Nothing calls flush(): the window's own timer writes the held line.
        #expect(try await pipe.waitReadable(seconds: 10))
        #expect(pipe.available() == "held\n")
    }
}
