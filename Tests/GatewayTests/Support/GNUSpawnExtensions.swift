import Glibc

/// glibc's GNU extensions the child process launcher needs. Swift's Glibc module is imported without `_GNU_SOURCE`,
/// so `pipe2` and the `posix_spawn_file_actions_add*_np` functions are declared but not visible; they are looked up
/// by name once (glibc 2.34+ has all three; Debian 12 ships 2.36).
enum GNUSpawnExtensions {
    /// `pipe2(fds, flags)`.
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    /// `posix_spawn_file_actions_addclosefrom_np(actions, from)`.
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    /// `posix_spawn_file_actions_addchdir_np(actions, path)`.
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    nonisolated(unsafe) private static let handle = dlopen(nil, RTLD_NOW)

    /// The C function named `name` in the running process, as `type`; nil when this libc lacks it.
    private static func symbol<F>(_ name: String, as type: F.Type) -> F? {
        guard let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: type)
    }

    static let pipe2 = symbol("pipe2", as: Pipe2.self)
    static let addCloseFrom = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)
    static let addChdir = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
}
