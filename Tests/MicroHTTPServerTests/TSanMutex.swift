#if FUNASR_TSAN
import Locking

/// ThreadSanitizer builds: this module's `Mutex` is the pthread-backed one TSan can see (see TSanVisibleMutex).
typealias Mutex = TSanVisibleMutex
#endif
