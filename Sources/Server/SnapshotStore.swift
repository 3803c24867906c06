import Foundation
import Workspace

/// The snapshot requests are served from, swapped whole by a reload.
///
/// Each request takes the current snapshot once, at its start, and uses only that one: a reload that
/// finishes meanwhile changes what the *next* request sees, never a request half-way. The old snapshot
/// lives until its last request lets go of it. One reload runs at a time.
public final class SnapshotStore: @unchecked Sendable {   // `current` and `reloading` are guarded by `lock`
    private let lock = NSLock()
    private var current: ServingSnapshot?
    private var reloading = false

    public init(_ snapshot: ServingSnapshot? = nil) { current = snapshot }

    /// The snapshot now, or nil while the first one is loading.
    public var snapshot: ServingSnapshot? {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    /// Puts `snapshot` in place and returns the one it replaces.
    @discardableResult
    public func install(_ snapshot: ServingSnapshot) -> ServingSnapshot? {
        lock.lock(); defer { lock.unlock() }
        let previous = current
        current = snapshot
        return previous
    }

    /// Claims the right to reload; false when a reload is under way.
    func beginReload() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if reloading { return false }
        reloading = true
        return true
    }

    /// Gives the right to reload back.
    func endReload() {
        lock.lock(); defer { lock.unlock() }
        reloading = false
    }

    /// The next generation number.
    var nextGeneration: Int { (snapshot?.generation ?? 0) + 1 }
}
