import Foundation
import Testing

extension BinaryProcessTests {
    /// The posix_spawn launcher the process tests use: output, exit status, input, environment and working directory,
    /// signals and reaping, descriptors kept out of the child, and a clear error for a missing program.
    @Suite struct ChildProcessTests {
        /// `script` run by /bin/sh with standard output and error in one pipe.
        static func shell(_ script: String, environment: [String: String]? = nil, in directory: String? = nil) throws -> ChildProcess {
            try launch(ChildCommand(
                executable: "/bin/sh", arguments: ["-c", script], environment: environment, workingDirectory: directory,
                standardOutput: .pipe, standardError: .standardOutput))
        }

        /// The process's state letter in /proc (R, S, Z, ...); nil when it no longer exists.
        static func state(of pid: pid_t) -> Character? {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let end = stat.lastIndex(of: ")") else { return nil }
            return stat[stat.index(end, offsetBy: 2)]
        }

        @Test func itsOutputAndExitStatusAreSeen() async throws {
            let process = try Self.shell("echo hi; echo oops >&2; exit 3")
            let output = process.standardOutput!.collectText()
            #expect(try await process.waitForExit() == .exited(3))
            #expect(try await output.waitForEnd())
            #expect(output.value == "hi\noops\n")
            #expect(!process.isRunning)
        }

        @Test func standardInputEnvironmentAndWorkingDirectoryReachTheChild() async throws {
            let process = try launch(ChildCommand(
                executable: "/bin/sh", arguments: ["-c", #"read line; echo "$line/$CHILD_TEST_VALUE/$(pwd)/${HOME-unset}""#],
                environment: ["CHILD_TEST_VALUE": "from-env", "PATH": "/usr/bin:/bin"], workingDirectory: "/tmp",
                standardInput: .pipe, standardOutput: .pipe))
            let output = process.standardOutput!.collectText()
            let input = process.standardInput!
            try await offPool {
                try input.write(Array("typed\n".utf8))
                input.close()
            }
            #expect(try await process.waitForExit() == .exited(0))
            try await output.waitForEnd()
            #expect(output.value == "typed/from-env//tmp/unset\n", "only the given environment: \(output.value)")
        }

        @Test func aTerminatedChildIsReapedAndNoZombieStays() async throws {
            let process = try launch(ChildCommand(executable: "/bin/sleep", arguments: ["100"]))
            let pid = process.pid
            #expect(process.isRunning)
            #expect(Self.state(of: pid) != nil)
            process.terminate()
            #expect(try await process.waitForExit() == .signaled(SIGTERM))
            #expect(Self.state(of: pid) == nil, "reaped: no zombie left in /proc")
            process.terminate()
            #expect(process.termination == .signaled(SIGTERM), "signals after the reap go nowhere")
        }

        @Test func killEndsTheChildsProcessGroupAndBlockingWaitsReap() async throws {
            // The shell stays in the group it was started in; its background sleep stays there too.
            let process = try Self.shell("sleep 100 & echo $!; wait")
            let output = process.standardOutput!.collectText()
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            while !output.value.hasSuffix("\n"), clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            let sleeper = try #require(pid_t(output.value.trimmingCharacters(in: .whitespacesAndNewlines)), "\(output.value)")
            let group = try String(contentsOfFile: "/proc/\(sleeper)/stat", encoding: .utf8)
            #expect(group.split(separator: ")").last?.split(separator: " ").dropFirst(2).first == "\(process.pid)",
                    "the child leads its own process group: \(group)")
            process.kill()
            #expect(try await offPool { process.waitUntilExit() } == .signaled(SIGKILL))
            // The orphaned sleep is killed too (then reaped by whoever adopted it): bounded wait until it is gone.
            while let state = Self.state(of: sleeper), state != "Z", clock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let left = Self.state(of: sleeper)
            #expect(left == nil || left == "Z", "the grandchild was killed with the group")
        }

        @Test func aDescriptorTheTestProcessOpenedStaysOutOfTheChild() async throws {
            // A socket opened without close-on-exec, as other tests' sockets are.
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            try #require(fd > 2)
            defer { close(fd) }
            let process = try Self.shell("if [ -e /proc/self/fd/\(fd) ]; then echo leaked; else echo closed; fi")
            let output = process.standardOutput!.collectText()
            #expect(try await process.waitForExit() == .exited(0))
            try await output.waitForEnd()
            #expect(output.value == "closed\n")
        }

        @Test func aMissingExecutableIsAClearError() throws {
            let missing = "/nonexistent/funasr-no-such-program"
            let error = #expect(throws: ChildProcessError.self) { try launch(ChildCommand(executable: missing)) }
            #expect(error?.description.contains("cannot start \(missing)") == true, "\(String(describing: error))")
            #expect(error?.description.contains("No such file or directory") == true, "\(String(describing: error))")
        }

        @Test func theDeinitKillsAndReapsAChildStillRunning() async throws {
            var process: ChildProcess? = try launch(ChildCommand(executable: "/bin/sleep", arguments: ["100"]))
            let pid = try #require(process?.pid)
            #expect(Self.state(of: pid) != nil)
            process = nil
            #expect(Self.state(of: pid) == nil, "killed and reaped when the last reference went")
        }
    }
}
