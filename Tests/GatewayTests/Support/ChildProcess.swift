import Glibc
import Synchronization

/// Where a child's standard output or standard error goes.
enum ChildOutput: Sendable {
    /// /dev/null.
    case discard
    /// The test process's own descriptor (shows in the test log).
    case inherit
    /// A new pipe: its read end is the process's `standardOutput` or `standardError`.
    case pipe
    /// Standard error only: wherever standard output goes (one pipe carries both, in the order written).
    case standardOutput
}

/// Where a child's standard input comes from.
enum ChildInput: Sendable {
    /// /dev/null: reads see end of file at once.
    case discard
    /// A new pipe: its write end is the process's `standardInput` (close it to end the child's input).
    case pipe
}

/// A program to start: path, arguments, environment (nil: the test process's), working directory (nil: the test
/// process's) and where its standard streams go.
struct ChildCommand: Sendable {
    var executable: String
    var arguments: [String] = []
    var environment: [String: String]? = nil
    var workingDirectory: String? = nil
    var standardInput: ChildInput = .discard
    var standardOutput: ChildOutput = .discard
    var standardError: ChildOutput = .discard
}

/// How a child ended.
enum ChildTermination: Equatable, Sendable, CustomStringConvertible {
    /// It exited with this status.
    case exited(Int32)
    /// A signal with this number ended it.
    case signaled(Int32)

    /// The exit status, or the signal's number (what Foundation's `terminationStatus` gave).
    var status: Int32 {
        switch self {
        case .exited(let code), .signaled(let code): code
        }
    }

    var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "ended by signal \(signal)"
        }
    }

    /// Decodes a `waitpid` status (exited or signalled: the launcher never asks for stopped children).
    init(waitStatus: Int32) {
        let signal = waitStatus & 0x7f
        self = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signaled(signal)
    }
}

/// A child process started with `posix_spawn`, in its own process group, with default signal dispositions, an empty
/// signal mask and no descriptor of the test process but 0, 1 and 2. Nothing reaps it behind the test's back (no
/// SIGCHLD handler, no libdispatch source: Foundation's `Process` reaped through one, and libdispatch's manager
/// thread crashed the test process now and then): the waits here reap it, and so does `deinit`, after SIGKILL to its
/// process group if it is still running, so no child outlives its test and none stays a zombie.
final class ChildProcess: Sendable {
    /// The child's process ID (and its process group's).
    let pid: pid_t
    /// The write end of the child's standard input, for `ChildInput.pipe`.
    let standardInput: ChildPipe?
    /// The read end of the child's standard output, for `ChildOutput.pipe`.
    let standardOutput: ChildPipe?
    /// The read end of the child's standard error, for `ChildOutput.pipe`.
    let standardError: ChildPipe?
    /// How it ended, once reaped. Signals are sent under this lock, so none reaches a process ID reused after reaping.
    private let ending = Mutex<ChildTermination?>(nil)

    /// Starts `command`; throws when the executable cannot be started (missing, not executable, ...).
    init(_ command: ChildCommand) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        if let directory = command.workingDirectory {
            guard let addChdir = GNUSpawnExtensions.addChdir else {
                throw ChildProcessError("posix_spawn_file_actions_addchdir_np is missing from this libc", errno: ENOSYS)
            }
            try Self.check(addChdir(&actions, directory), "set the working directory \(directory)")
        }
        // The child's ends of its pipes: dup2'd onto 0, 1 and 2 in the child, closed here once it has started.
        var childEnds: [ChildPipe] = []
        switch command.standardInput {
        case .discard:
            try Self.check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "open /dev/null")
            standardInput = nil
        case .pipe:
            let pipe = try ChildPipe.make()
            try Self.check(posix_spawn_file_actions_adddup2(&actions, pipe.read.rawDescriptor!, 0), "redirect standard input")
            childEnds.append(pipe.read)
            standardInput = pipe.write
        }
        standardOutput = try Self.redirect(command.standardOutput, to: 1, &actions, &childEnds)
        standardError = try Self.redirect(command.standardError, to: 2, &actions, &childEnds)
        guard let addCloseFrom = GNUSpawnExtensions.addCloseFrom else {
            throw ChildProcessError("posix_spawn_file_actions_addclosefrom_np is missing from this libc", errno: ENOSYS)
        }
        // Sockets and files the test process opened without O_CLOEXEC (other tests run meanwhile) stay out of the
        // child: a leaked socket would keep a connection open, a leaked pipe end would keep a reader waiting.
        try Self.check(addCloseFrom(&actions, 3), "close inherited descriptors")

        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        sigdelset(&allSignals, SIGKILL)
        sigdelset(&allSignals, SIGSTOP)
        try Self.check(posix_spawnattr_setsigmask(&attributes, &noSignals), "clear the signal mask")
        try Self.check(posix_spawnattr_setsigdefault(&attributes, &allSignals), "reset signal dispositions")
        try Self.check(posix_spawnattr_setpgroup(&attributes, 0), "set the process group")
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        try Self.check(posix_spawnattr_setflags(&attributes, Int16(flags)), "set spawn flags")

        let argv = ([command.executable] + command.arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let envp = command.environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for entry in envp ?? [] { free(entry) } }
        var pid: pid_t = 0
        let started = envp.map { posix_spawn(&pid, command.executable, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, command.executable, &actions, &attributes, argv, environ)
        let place = command.workingDirectory.map { " in \($0)" } ?? ""
        try Self.check(started, "cannot start \(command.executable)\(place)")
        self.pid = pid
        for end in childEnds { end.close() }
    }

    /// Throws `what` with the error code `result` unless it is 0.
    private static func check(_ result: Int32, _ what: String) throws {
        if result != 0 { throw ChildProcessError(what, errno: result) }
    }

    /// Adds the file action for `output` on descriptor `target`; the parent's read end for a pipe.
    private static func redirect(
        _ output: ChildOutput, to target: Int32, _ actions: inout posix_spawn_file_actions_t, _ childEnds: inout [ChildPipe]
    ) throws -> ChildPipe? {
        switch output {
        case .discard:
            try check(posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0), "open /dev/null")
        case .inherit:
            break
        case .pipe:
            let pipe = try ChildPipe.make()
            try check(posix_spawn_file_actions_adddup2(&actions, pipe.write.rawDescriptor!, target), "redirect \(target)")
            childEnds.append(pipe.write)
            return pipe.read
        case .standardOutput:
            precondition(target == 2, "only standard error can follow standard output")
            try check(posix_spawn_file_actions_adddup2(&actions, 1, 2), "redirect standard error")
        }
        return nil
    }

    deinit {
        if termination != nil { return }
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
    }

    /// Reaps the child if it has ended (never blocks). Call with the lock held.
    private static func reap(_ pid: pid_t, _ ending: inout ChildTermination?) {
        guard ending == nil else { return }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            ending = ChildTermination(waitStatus: status)
        } else if result == -1, errno == ECHILD {
            // Someone else reaped it (nothing in the tests does): gone, status unknown.
            ending = .exited(-1)
        }
    }

    /// How it ended, reaping it if it has ended; nil while it runs.
    var termination: ChildTermination? { ending.withLock { Self.reap(pid, &$0); return $0 } }

    /// Whether it is still running (reaps it if it has ended).
    var isRunning: Bool { termination == nil }

    /// Sends `signal` to the child, unless it has already been reaped.
    func signal(_ signal: Int32) {
        ending.withLock { ending in
            Self.reap(pid, &ending)
            if ending == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    /// SIGTERM.
    func terminate() { signal(SIGTERM) }

    /// SIGKILL to the child and to its process group (its children that stayed in it), unless it has been reaped.
    func kill() {
        ending.withLock { ending in
            Self.reap(pid, &ending)
            guard ending == nil else { return }
            _ = Glibc.kill(-pid, SIGKILL)
            _ = Glibc.kill(pid, SIGKILL)
        }
    }

    /// Waits (polling, bounded by `timeout`) until it has ended and returns how; throws if it is still running then.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> ChildTermination {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let termination { return termination }
            guard clock.now < deadline else {
                throw ChildProcessError("\(pid) still running after \(timeout)", errno: ETIMEDOUT)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Blocks until it has ended and returns how: only on a thread of its own (`offPool`).
    func waitUntilExit() -> ChildTermination {
        // WNOWAIT leaves the child a zombie, so it is reaped under the lock, like everywhere else.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1, errno == EINTR {}
        return ending.withLock { Self.reap(pid, &$0); return $0 ?? .exited(-1) }
    }
}

/// Starts `command` as a child process. Every test that calls it lives in `extension BinaryProcessTests`.
func launch(_ command: ChildCommand) throws -> ChildProcess {
    try ChildProcess(command)
}
