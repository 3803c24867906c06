import Foundation

/// A readers–writer lock (pthread): any number of searches share it, a mutation holds it alone.
final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    @inline(__always) func withRead<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    @inline(__always) func withWrite<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}

/// A fixed set of mutexes that guard the link lists of a parallel build: node `i` is guarded by
/// stripe `i mod count`. A thread never holds two stripes at once, so stripes cannot deadlock.
final class StripedLocks: @unchecked Sendable {
    private let locks: UnsafeMutablePointer<pthread_mutex_t>
    private let mask: Int

    /// - Parameter stripes: a power of two.
    init(stripes: Int = 1 << 14) {
        precondition(stripes > 0 && stripes & (stripes - 1) == 0)
        mask = stripes - 1
        locks = .allocate(capacity: stripes)
        for i in 0..<stripes { pthread_mutex_init(locks + i, nil) }
    }

    deinit {
        for i in 0...mask { pthread_mutex_destroy(locks + i) }
        locks.deallocate()
    }

    @inline(__always) func lock(_ node: UInt32) { pthread_mutex_lock(locks + (Int(node) & mask)) }
    @inline(__always) func unlock(_ node: UInt32) { pthread_mutex_unlock(locks + (Int(node) & mask)) }
}
