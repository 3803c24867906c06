import Foundation

/// A pointer (or other value) that the caller promises to use safely across threads: each worker
/// touches disjoint parts, or only reads. Kept in one place so every such promise is easy to audit.
public struct UnsafeSendable<Value>: @unchecked Sendable {
    public var value: Value
    @inlinable public init(_ value: Value) { self.value = value }
}

/// How many worker threads Marquee uses for its own parallel loops: `MARQUEE_THREADS` when set, else
/// every active core.
public enum Threads {
    public static var count: Int {
        if let text = ProcessInfo.processInfo.environment["MARQUEE_THREADS"], let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// Runs `body` over `0..<count` split into contiguous chunks on `threads` workers.
///
/// Each call of `body(range, worker)` gets a disjoint range and a worker index in `0..<threads`, so
/// per-worker scratch can be indexed by it. Chunks are handed out dynamically (an atomic counter) so
/// uneven rows balance out. With one thread it runs inline, in order.
/// - Parameters:
///   - count: number of items.
///   - threads: workers (default `Threads.count`).
///   - grain: items per chunk (choose so a chunk is ≥ ~100 µs of work).
public func parallelFor(
    _ count: Int, threads: Int = Threads.count, grain: Int = 1,
    _ body: @Sendable (_ range: Range<Int>, _ worker: Int) -> Void
) {
    guard count > 0 else { return }
    let grain = max(1, grain)
    let workers = max(1, min(threads, (count + grain - 1) / grain))
    if workers == 1 {
        body(0..<count, 0)
        return
    }
    let next = ChunkCounter()
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        while true {
            let start = next.take(grain)
            if start >= count { break }
            body(start..<min(count, start + grain), worker)
        }
    }
}

/// A lock-protected counter for handing out chunks.
final class ChunkCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take(_ n: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        let v = value
        value += n
        return v
    }
}
