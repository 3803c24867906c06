import Foundation

/// A value the caller promises to use safely across threads (workers touch disjoint parts, or only
/// read). Kept in one place so every such promise is easy to find.
struct Unchecked<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// The parallel loop of the readers (`Dataset` stands alone, without `LinearAlgebra`).
enum ParallelWork {
    /// Workers: `MARQUEE_THREADS` when set, else every active core.
    static var defaultThreads: Int {
        if let text = ProcessInfo.processInfo.environment["MARQUEE_THREADS"], let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Calls `body(i)` for every `i` in `0..<count` on up to `threads` workers; items are handed out one
    /// at a time, so uneven items balance. With one thread (or one item) it runs inline, in order.
    static func run(_ count: Int, threads: Int = defaultThreads, _ body: @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let workers = min(threads, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.take()
                if i >= count { break }
                body(i)
            }
        }
    }

    /// Calls `body(worker, range)` once per worker over `0..<count` split into `parts` contiguous,
    /// nearly equal ranges (for passes whose workers need their own scratch).
    static func split(_ count: Int, parts: Int, _ body: @Sendable (Int, Range<Int>) -> Void) {
        let parts = max(1, min(parts, count))
        let ranges = (0..<parts).map { count * $0 / parts ..< count * ($0 + 1) / parts }
        if parts == 1 { body(0, ranges[0]); return }
        DispatchQueue.concurrentPerform(iterations: parts) { w in body(w, ranges[w]) }
    }
}

/// A lock-protected counter handing out work items.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take() -> Int {
        lock.lock(); defer { lock.unlock() }
        let v = value
        value += 1
        return v
    }
}
