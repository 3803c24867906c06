import Foundation

/// A value guarded by a mutex: every read or change goes through `withLock`.
///
/// The one lock-protected box of Marquee (a chunk counter, the first error of a parallel pass, totals
/// summed by workers). Safe to share between threads whatever `Value` is, because the value never leaves
/// the lock except as a copy returned by `withLock`.
///
/// ```swift
/// let firstError = Locked<Error?>(nil)
/// parallelFor(n) { range, _ in
///     do { try work(range) } catch { firstError.withLock { if $0 == nil { $0 = error } } }
/// }
/// ```
public final class Locked<Value>: @unchecked Sendable {
    @usableFromInline let lock = NSLock()
    @usableFromInline var value: Value

    /// A box holding `value`.
    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    /// - Returns: what `body` returns.
    @inlinable
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    /// A copy of the value, read under the lock.
    public var current: Value { withLock { $0 } }
}

/// A readers–writer lock (pthread): any number of readers share it, a writer holds it alone.
///
/// `HNSWIndex` takes it for reading around every search and for writing around `add` / `remove`, so a
/// search sees the index either before or after a mutation, never halfway.
public final class ReadWriteLock: @unchecked Sendable {
    @usableFromInline let lock: UnsafeMutablePointer<pthread_rwlock_t>

    /// An unlocked lock.
    public init() {
        lock = .allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    /// Runs `body` holding the lock shared with other readers.
    @inlinable @inline(__always)
    public func withRead<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Runs `body` holding the lock alone (no reader or other writer inside).
    @inlinable @inline(__always)
    public func withWrite<T>(_ body: () throws -> T) rethrows -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}

/// A fixed set of mutexes guarding many small objects: object `i` is guarded by stripe `i mod stripes`.
///
/// The parallel HNSW build guards each node's link list this way (one mutex per node would cost more
/// memory than the links). A thread that never holds two stripes at once cannot deadlock on them.
public final class StripedLocks: @unchecked Sendable {
    @usableFromInline let locks: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline let mask: Int

    /// - Parameter stripes: how many mutexes; a power of two (default 16,384).
    public init(stripes: Int = 1 << 14) {
        precondition(stripes > 0 && stripes & (stripes - 1) == 0, "stripes must be a power of two")
        mask = stripes - 1
        locks = .allocate(capacity: stripes)
        for i in 0..<stripes { pthread_mutex_init(locks + i, nil) }
    }

    deinit {
        for i in 0...mask { pthread_mutex_destroy(locks + i) }
        locks.deallocate()
    }

    /// Locks the stripe of object `index`.
    @inlinable @inline(__always)
    public func lock(_ index: UInt32) { pthread_mutex_lock(locks + (Int(index) & mask)) }

    /// Unlocks the stripe of object `index` (locked before by this thread).
    @inlinable @inline(__always)
    public func unlock(_ index: UInt32) { pthread_mutex_unlock(locks + (Int(index) & mask)) }
}
