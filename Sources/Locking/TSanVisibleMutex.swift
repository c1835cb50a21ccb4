#if FUNASR_TSAN
#if canImport(Glibc)
import Glibc
#endif

/// ThreadSanitizer builds only (`make test-sanitizers` compiles with `-DFUNASR_TSAN`): `Synchronization.Mutex`'s
/// API over a pthread mutex, which TSan intercepts. `Synchronization.Mutex` parks on a futex inside the
/// uninstrumented standard library, so TSan saw no lock at all and reported every access it guards as a race.
/// Each module that uses `Mutex` shadows it with this type in its `TSanMutex.swift` under the same flag; normal
/// builds never compile this file.
public struct TSanVisibleMutex<Value: ~Copyable>: ~Copyable, @unchecked Sendable {
    private final class Storage: @unchecked Sendable {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        var value: Value

        init(_ value: consuming Value) {
            self.value = value
            pthread_mutex_init(lock, nil)
        }

        deinit {
            pthread_mutex_destroy(lock)
            lock.deallocate()
        }
    }

    private let storage: Storage

    /// Creates a mutex holding `initialValue`.
    public init(_ initialValue: consuming sending Value) {
        storage = Storage(initialValue)
    }

    /// Runs `body` with exclusive access to the value, as `Synchronization.Mutex.withLock` does.
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(storage.lock)
        defer { pthread_mutex_unlock(storage.lock) }
        return try body(&storage.value)
    }
}
#endif
