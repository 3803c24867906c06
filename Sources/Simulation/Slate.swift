/// The two questions a slate answers, on one event's pool: does the top `k` hold the logged movie
/// (slot 0), and which slots make the top `k`. A slot beats another when its score is higher, or equal
/// with a larger tie key (the event's random tie-break, shared by every policy).
enum Slate {
    @inline(__always)
    static func beats(_ s: Float, _ key: UInt64, _ s0: Float, _ key0: UInt64) -> Bool {
        s > s0 || (s == s0 && key > key0)
    }

    /// Whether slot 0 is among the `k` best of `count` slots (stops as soon as `k` slots beat it).
    /// - Complexity: O(count), no allocation.
    @inline(__always)
    static func holdsLogged(scores: UnsafePointer<Float>, keys: UnsafePointer<UInt64>, count: Int, k: Int) -> Bool {
        let s0 = scores[0], k0 = keys[0]
        var better = 0
        for j in 1..<max(1, count) where beats(scores[j], keys[j], s0, k0) {
            better += 1
            if better >= k { return false }
        }
        return true
    }

    /// Whether slot 0 is among the `k` largest keys: the uniformly random slate of the pool.
    @inline(__always)
    static func randomHoldsLogged(keys: UnsafePointer<UInt64>, count: Int, k: Int) -> Bool {
        let k0 = keys[0]
        var better = 0
        for j in 1..<max(1, count) where keys[j] > k0 {
            better += 1
            if better >= k { return false }
        }
        return true
    }

    /// Writes the slots of the `k` best (by score, then key; by key alone when `scores` is nil) into
    /// `out`, best first, and returns how many (min(k, count)). `outScores`/`outKeys` are k-long scratch.
    /// - Complexity: O(count · k) worst case, O(count) typical (a bounded insertion list).
    static func top(scores: UnsafePointer<Float>?, keys: UnsafePointer<UInt64>, count: Int, k: Int,
                    into out: UnsafeMutablePointer<Int32>, outScores: UnsafeMutablePointer<Float>,
                    outKeys: UnsafeMutablePointer<UInt64>) -> Int {
        var n = 0
        for j in 0..<count {
            let s = scores?[j] ?? 0, key = keys[j]
            if n == k && !beats(s, key, outScores[n - 1], outKeys[n - 1]) { continue }
            var i = n < k ? n : k - 1
            if n < k { n += 1 }
            while i > 0 && beats(s, key, outScores[i - 1], outKeys[i - 1]) {
                out[i] = out[i - 1]; outScores[i] = outScores[i - 1]; outKeys[i] = outKeys[i - 1]
                i -= 1
            }
            out[i] = Int32(j); outScores[i] = s; outKeys[i] = key
        }
        return n
    }
}
