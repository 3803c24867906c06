import Foundation

/// A value (usually a pointer, or a tuple of pointers) that the caller promises to use safely across
/// threads: each worker touches disjoint parts, or only reads.
///
/// Swift 6 refuses to capture an `Unsafe*Pointer` in a `@Sendable` closure; wrapping it here states the
/// promise once, in a form that is easy to find (`grep UnsafeSendable`) and audit.
///
/// ```swift
/// let out = UnsafeSendable(buffer.baseAddress!)
/// parallelFor(rows) { range, _ in for r in range { out.value[r] = f(r) } }
/// ```
public struct UnsafeSendable<Value>: @unchecked Sendable {
    /// The wrapped value.
    public var value: Value

    /// Wraps `value`.
    @inlinable public init(_ value: Value) { self.value = value }
}

/// How many worker threads Marquee's own parallel loops use.
public enum Threads {
    /// `MARQUEE_THREADS` when it is set to a positive integer, else every active core (at least 1).
    ///
    /// Read each time, so a test or a tool may change the variable between runs.
    public static var count: Int {
        if let text = ProcessInfo.processInfo.environment["MARQUEE_THREADS"], let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// Runs `body` over `0..<count` cut into chunks of `grain` items, on up to `threads` workers.
///
/// Each call `body(range, worker)` gets a disjoint, contiguous range and a worker index in
/// `0..<min(threads, chunks)`, so per-worker scratch can be indexed by it. Chunks are handed out
/// dynamically in ascending order (a locked counter), so uneven chunks balance out. With one worker
/// (one thread, or a single chunk) it runs inline on the calling thread as one call `body(0..<count, 0)`.
///
/// Use `grain` so that a chunk carries at least ~100 µs of work; `grain: 1` hands out one item at a time.
/// - Parameters:
///   - count: number of items; nothing runs when it is 0 or less.
///   - threads: workers (default `Threads.count`).
///   - grain: items per chunk (values below 1 count as 1).
///   - body: the work of one chunk; it must only write what belongs to its range or its worker.
/// - Complexity: O(count / grain) lock round trips on top of the work.
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
    let next = Locked(0)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        while true {
            let start = next.withLock { value -> Int in
                let start = value
                value += grain
                return start
            }
            if start >= count { break }
            body(start..<min(count, start + grain), worker)
        }
    }
}

/// Runs `body` once per part over `0..<count` cut into `parts` contiguous, nearly equal ranges
/// (`equalRanges(count, parts:)`), each part on its own thread.
///
/// For passes whose parts must be fixed in advance (per-part counts or scratch that a second pass
/// reads back by part index). Part `p` always gets the same range for the same `count` and `parts`.
/// With one part (or `count` ≤ 1) it runs inline on the calling thread.
/// - Parameters:
///   - count: number of items.
///   - parts: number of ranges (at most `count`, at least 1).
///   - body: `body(range, part)`; it must only write what belongs to its range or its part.
public func parallelSplit(_ count: Int, parts: Int, _ body: @Sendable (_ range: Range<Int>, _ part: Int) -> Void) {
    let ranges = equalRanges(count, parts: parts)
    if ranges.count == 1 { body(ranges[0], 0); return }
    DispatchQueue.concurrentPerform(iterations: ranges.count) { part in body(ranges[part], part) }
}

/// `0..<count` cut into `min(parts, count)` (at least 1) contiguous ranges whose lengths differ by at
/// most one: range `p` is `count·p/n ..< count·(p+1)/n`.
public func equalRanges(_ count: Int, parts: Int) -> [Range<Int>] {
    let n = max(1, min(parts, count))
    return (0..<n).map { count * $0 / n ..< count * ($0 + 1) / n }
}
