import LinearAlgebra

/// Exact maximum-inner-product candidates: one BLAS matrix-vector product over every item vector, then
/// a bounded heap. The reference the approximate stage is measured against.
public struct ExactRetriever: CandidateRetriever {
    /// `exact`.
    public let name = "exact"
    /// The length of the item vectors.
    public let dimension: Int
    /// Row-major `itemCount` × `dimension`.
    private let itemVectors: [Float]
    private let itemCount: Int

    /// A scan over a copy of `itemVectors`.
    /// - Parameters:
    ///   - itemVectors: row-major item vectors, `dimension` floats per item, row r = dense item r.
    ///   - dimension: floats per item, > 0.
    /// - Precondition: `itemVectors.count` is a multiple of `dimension`.
    public init(itemVectors: [Float], dimension: Int) {
        precondition(dimension > 0 && itemVectors.count % dimension == 0, "item vectors are not a whole number of rows")
        self.itemVectors = itemVectors
        self.dimension = dimension
        itemCount = itemVectors.count / dimension
    }

    /// The `count` unseen items of largest inner product with `query`, exactly.
    /// - Precondition: `query.count == dimension`.
    /// - Complexity: O(items · dimension) (one `sgemv`) + O(items · log count).
    public func candidates(for query: [Float], count: Int, excluding: [Int]) -> [ScoredCandidate] {
        precondition(query.count == dimension, "query has \(query.count) values, items have \(dimension)")
        guard itemCount > 0, count > 0 else { return [] }
        var scores = [Float](repeating: 0, count: itemCount)
        itemVectors.withUnsafeBufferPointer { y in
            query.withUnsafeBufferPointer { x in
                scores.withUnsafeMutableBufferPointer { s in
                    BLAS.sgemv(m: itemCount, n: dimension, a: y.baseAddress!, lda: dimension, x: x.baseAddress!, y: s.baseAddress!)
                }
            }
        }
        for item in excluding where item >= 0 && item < itemCount { scores[item] = -.infinity }
        var top = TopK(k: count)
        scores.withUnsafeBufferPointer { s in
            for i in 0..<s.count {
                let v = s[i]
                if v != -.infinity && v >= top.threshold { top.push(Int32(i), v) }
            }
        }
        return top.sorted().map { ScoredCandidate(item: Int($0.index), score: $0.score) }
    }
}
