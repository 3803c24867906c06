/// Partial selection of the `k` largest scores, by a bounded min-heap.
///
/// Ties are broken by the smaller index so results are deterministic.
///
/// - Complexity: O(log k) per ``push(_:_:)``, so selecting from `n` scores costs O(n log k) time and O(k)
///   memory; ``sorted()`` is O(k log k).
public struct TopK: Sendable {
    /// The number of candidates kept (never negative; 0 keeps nothing).
    public let k: Int
    /// The kept indices in heap order (not sorted; the worst kept candidate is first). Use ``sorted()``
    /// for a ranking.
    public private(set) var indices: [Int32]
    /// The scores of ``indices``, in the same heap order.
    public private(set) var scores: [Float]

    /// An empty selection that keeps the `k` best candidates (a negative `k` is treated as 0).
    public init(k: Int) {
        self.k = max(0, k)
        indices = []
        scores = []
        indices.reserveCapacity(self.k)
        scores.reserveCapacity(self.k)
    }

    /// The smallest kept score (the bar a new candidate must beat once full).
    @inline(__always)
    public var threshold: Float { indices.count < k ? -.infinity : scores[0] }

    @inline(__always)
    private static func worse(_ s1: Float, _ i1: Int32, _ s2: Float, _ i2: Int32) -> Bool {
        s1 < s2 || (s1 == s2 && i1 > i2)
    }

    /// Offers a candidate: kept when fewer than ``k`` are held or when it beats the worst kept one
    /// (a higher score, or an equal score with a smaller index).
    @inline(__always)
    public mutating func push(_ index: Int32, _ score: Float) {
        guard k > 0 else { return }
        if indices.count < k {
            indices.append(index); scores.append(score)
            var c = indices.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                if Self.worse(scores[c], indices[c], scores[p], indices[p]) {
                    indices.swapAt(c, p); scores.swapAt(c, p); c = p
                } else { break }
            }
        } else if Self.worse(scores[0], indices[0], score, index) {
            indices[0] = index; scores[0] = score
            var p = 0
            let n = indices.count
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < n && Self.worse(scores[l], indices[l], scores[m], indices[m]) { m = l }
                if r < n && Self.worse(scores[r], indices[r], scores[m], indices[m]) { m = r }
                if m == p { break }
                indices.swapAt(p, m); scores.swapAt(p, m); p = m
            }
        }
    }

    /// The kept candidates, best first.
    public func sorted() -> [(index: Int32, score: Float)] {
        zip(indices, scores).sorted { Self.worse($1.1, $1.0, $0.1, $0.0) }.map { (index: $0.0, score: $0.1) }
    }
}
