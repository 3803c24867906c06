import Foundation
import LinearAlgebra
import Support

extension SyntheticVectors {
    /// Queries per block of the ground-truth computation, and base rows per `sgemm` block.
    static let queryBlock = 256
    static let baseBlock = 4096
    /// Extra candidates kept from the `sgemm` pass and re-ranked exactly.
    static let rerankMargin = 16

    /// The exact `k` nearest base rows of every query by squared L2 distance, nearest first (ties by the
    /// smaller id): an `queries.rows × k` matrix of base row indices (fewer columns when the base has
    /// fewer than `k` rows).
    ///
    /// Query blocks run in parallel; within a block, `sgemm` computes q·x for a block of base rows and
    /// candidates are ranked by 2q·x − ‖x‖² (the same order as ‖q − x‖² = ‖q‖² + ‖x‖² − 2q·x, since
    /// ‖q‖² is fixed per query). The best `k + 16` candidates are then re-ranked by the exact distance
    /// computed directly, so rounding in the expansion cannot change the answer.
    /// - Complexity: O(queries · count · dimension) arithmetic, mostly in `sgemm`.
    public static func groundTruth(
        base: Matrix<Float>, queries: Matrix<Float>, k: Int, threads: Int = Threads.count, progress: ProgressReporter? = nil
    ) -> Matrix<Int32> {
        precondition(base.columns == queries.columns, "base and queries differ in dimension")
        let d = base.columns, n = base.rows, nq = queries.rows
        let k = min(k, n)
        let keep = min(n, k + rerankMargin)
        guard k > 0, nq > 0 else { return Matrix(rows: nq, columns: max(0, k), values: []) }

        var baseNorms = [Float](repeating: 0, count: n)
        var result = [Int32](repeating: 0, count: nq * k)
        base.values.withUnsafeBufferPointer { baseBuffer in
            queries.values.withUnsafeBufferPointer { queryBuffer in
                let x = UnsafeSendable(baseBuffer.baseAddress!), q = UnsafeSendable(queryBuffer.baseAddress!)
                baseNorms.withUnsafeMutableBufferPointer { normBuffer in
                    let norms = UnsafeSendable(normBuffer.baseAddress!)
                    parallelFor(n, threads: threads, grain: 16_384) { range, _ in
                        for r in range { norms.value[r] = Kernels.dot(x.value + r * d, x.value + r * d, count: d) }
                    }
                }
                baseNorms.withUnsafeBufferPointer { normBuffer in
                    let norms = UnsafeSendable(normBuffer.baseAddress!)
                    result.withUnsafeMutableBufferPointer { resultBuffer in
                        let out = UnsafeSendable(resultBuffer.baseAddress!)
                        let blocks = (nq + queryBlock - 1) / queryBlock
                        parallelFor(blocks, threads: threads, grain: 1) { range, _ in
                            let products = UnsafeMutablePointer<Float>.allocate(capacity: queryBlock * baseBlock)
                            defer { products.deallocate() }
                            for block in range {
                                let lo = block * queryBlock, hi = min(nq, lo + queryBlock)
                                nearest(
                                    queries: q.value + lo * d, count: hi - lo, base: x.value, baseCount: n, norms: norms.value,
                                    dimension: d, k: k, keep: keep, products: products, into: out.value + lo * k)
                                progress?.advance(by: hi - lo)
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: nq, columns: k, values: result)
    }

    /// The exact `k` nearest base rows of `count` queries, written as `count × k` ids at `out`.
    private static func nearest(
        queries: UnsafePointer<Float>, count: Int, base: UnsafePointer<Float>, baseCount n: Int,
        norms: UnsafePointer<Float>, dimension d: Int, k: Int, keep: Int,
        products: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Int32>
    ) {
        var heaps = [TopK](repeating: TopK(k: keep), count: count)
        var thresholds = [Float](repeating: -.infinity, count: count)
        var start = 0
        while start < n {
            let rows = min(baseBlock, n - start)
            // products[i][j] = q_i · x_(start+j)
            BLAS.sgemm(
                transB: true, m: count, n: rows, k: d,
                a: queries, lda: d, b: base + start * d, ldb: d, c: products, ldc: rows)
            for i in 0..<count {
                let row = products + i * rows
                var threshold = thresholds[i]
                for j in 0..<rows {
                    let score = 2 * row[j] - norms[start + j]
                    if score > threshold {
                        heaps[i].push(Int32(start + j), score)
                        threshold = heaps[i].threshold
                    }
                }
                thresholds[i] = threshold
            }
            start += rows
        }
        // Exact re-ranking of the kept candidates.
        for i in 0..<count {
            let query = queries + i * d
            var candidates = heaps[i].indices.map { id in
                (id: id, distance: Kernels.squaredL2(query, base + Int(id) * d, count: d))
            }
            candidates.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
            for j in 0..<k { out[i * k + j] = candidates[j].id }
        }
    }
}
