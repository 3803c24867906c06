import Dataset
import LinearAlgebra
import Support

/// One side's positives as rows of (column, confidence) pairs: c = 1 + α·r.
struct ConfidenceRows: Sendable {
    let rows: Int
    let columns: Int
    /// `rows + 1` offsets into `index` / `confidence`.
    let rowStart: [Int]
    let index: [Int32]
    let confidence: [Float]

    init(_ positives: CSRMatrix, configuration: ALSConfiguration) {
        rows = positives.rows
        columns = positives.columns
        rowStart = positives.rowStart.array
        index = positives.columnIndex.array
        var c = [Float](repeating: 0, count: positives.nonZeroCount)
        for p in 0..<c.count { c[p] = configuration.confidence(ofRating: positives.values[p]) }
        confidence = c
    }

    var nonZeroCount: Int { index.count }
}

/// The per-half-sweep solvers: every row of `target` re-solved with `fixed` held constant.
///
/// Each row's normal equations are (FᵀF + λI + Fᵀ(C_u − I)F) x_u = Fᵀ C_u p_u, where F is the fixed side
/// and C_u the row's confidences. FᵀF + λI is shared by all rows and computed once (BLAS `ssyrk`); the
/// row-specific part touches only the row's positives. Rows are independent, so they are spread over
/// workers with `parallelFor`, each with its own scratch; the result does not depend on the schedule.
enum ALSSolver {
    /// Scratch floats per worker, rounded to whole cache lines so workers never share one.
    static func scratchStride(factors f: Int, solver: ALSConfiguration.Solver, gatherRows: Int) -> Int {
        let need = solver == .conjugateGradient ? 3 * f + gatherRows * (f + 1) + 16 : f * f + f + choleskyBlock(gatherRows) * f
        return (need + 15) / 16 * 16
    }

    /// Rows up to this length are gathered into contiguous scratch by the CG solver; longer ones are
    /// read in place (bounded scratch: at most this many × factors floats per worker).
    static let maxGatherRows = 1 << 16

    /// Rows of the fixed side gathered per `ssyrk` call in the Cholesky solver: the whole row when it is
    /// at most `maxGatherRows` long.
    static func choleskyBlock(_ gatherRows: Int) -> Int { max(64, gatherRows) }

    /// Re-solves every row of `target` (`rows.rows × f`) against `fixed` (`rows.columns × f`).
    static func solve(
        _ rows: ConfidenceRows, target: UnsafeMutablePointer<Float>, fixed: UnsafePointer<Float>, factors f: Int,
        configuration: ALSConfiguration, threads: Int
    ) {
        // A0 = FᵀF + λI, once per half-sweep.
        let gram = UnsafeMutablePointer<Float>.allocate(capacity: f * f)
        defer { gram.deallocate() }
        if rows.columns > 0 {
            BLAS.gram(n: f, k: rows.columns, a: fixed, lda: f, c: gram)
        } else {
            gram.initialize(repeating: 0, count: f * f)
        }
        for j in 0..<f { gram[j * f + j] += configuration.regularization }

        let workers = max(1, threads)
        var longest = 0
        for row in 0..<rows.rows { longest = max(longest, rows.rowStart[row + 1] - rows.rowStart[row]) }
        let gatherRows = min(longest, maxGatherRows)
        let stride = scratchStride(factors: f, solver: configuration.solver, gatherRows: gatherRows)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * stride)
        scratch.initialize(repeating: 0, count: workers * stride)
        defer { scratch.deallocate() }

        let shared = UnsafeSendable((target: target, fixed: fixed, gram: UnsafePointer(gram), scratch: scratch))
        let solver = configuration.solver, steps = configuration.cgSteps
        rows.rowStart.withUnsafeBufferPointer { starts in
            rows.index.withUnsafeBufferPointer { index in
                rows.confidence.withUnsafeBufferPointer { confidence in
                    let data = UnsafeSendable((starts: starts.baseAddress!, index: index.baseAddress!, confidence: confidence.baseAddress!))
                    parallelFor(rows.rows, threads: workers, grain: 64) { range, worker in
                        let s = shared.value, d = data.value
                        let work = s.scratch + worker * stride
                        for row in range {
                            let start = d.starts[row], end = d.starts[row + 1]
                            let x = s.target + row * f
                            if start == end { x.update(repeating: 0, count: f); continue }
                            let entries = Entries(index: d.index + start, confidence: d.confidence + start, count: end - start)
                            switch solver {
                            case .conjugateGradient where entries.count <= gatherRows:
                                gatheredConjugateGradient(x: x, entries: entries, fixed: s.fixed, gram: s.gram, factors: f, steps: steps, scratch: work)
                            case .conjugateGradient:
                                conjugateGradient(x: x, entries: entries, fixed: s.fixed, gram: s.gram, factors: f, steps: steps, scratch: work)
                            case .cholesky:
                                cholesky(x: x, entries: entries, fixed: s.fixed, gram: s.gram, factors: f,
                                         block: choleskyBlock(gatherRows), scratch: work)
                            }
                        }
                    }
                }
            }
        }
    }

    /// One row's positives: fixed-side indices and confidences.
    struct Entries {
        let index: UnsafePointer<Int32>
        let confidence: UnsafePointer<Float>
        let count: Int
    }

    /// A few conjugate-gradient steps on A x = b from the current x (warm start), with
    /// A = A0 + Σ (c−1) y yᵀ and b = Σ c y, never forming A (Takács, Pilászy & Tikk 2011).
    /// - Parameters:
    ///   - gram: A0 = YᵀY + λI.
    ///   - scratch: at least 3·f floats.
    @inline(__always)
    static func conjugateGradient(
        x: UnsafeMutablePointer<Float>, entries e: Entries, fixed: UnsafePointer<Float>, gram: UnsafePointer<Float>,
        factors f: Int, steps: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let r = scratch, p = scratch + f, ap = scratch + 2 * f
        // r = b − A x
        BLAS.sgemv(m: f, n: f, alpha: -1, a: gram, lda: f, x: x, y: r)
        for k in 0..<e.count {
            let y = fixed + Int(e.index[k]) * f
            let c = e.confidence[k]
            Kernels.axpy(c - (c - 1) * Kernels.dot(y, x, count: f), y, r, count: f)
        }
        p.update(from: r, count: f)
        var rsOld = Kernels.dot(r, r, count: f)
        if rsOld < 1e-20 { return }
        for _ in 0..<steps {
            // ap = A p
            BLAS.sgemv(m: f, n: f, a: gram, lda: f, x: p, y: ap)
            for k in 0..<e.count {
                let y = fixed + Int(e.index[k]) * f
                Kernels.axpy((e.confidence[k] - 1) * Kernels.dot(y, p, count: f), y, ap, count: f)
            }
            guard let rsNew = conjugateGradientUpdate(x: x, r: r, p: p, ap: ap, rsOld: rsOld, factors: f) else { break }
            rsOld = rsNew
        }
    }

    /// The update that ends every conjugate-gradient step once A p is known: x += α p, r −= α A p with
    /// α = rᵀr / pᵀAp, then p = r + (r'ᵀr' / rᵀr) p. Returns the new rᵀr, or nil once the residual has
    /// vanished (p is then left alone and the caller stops).
    @inline(__always)
    static func conjugateGradientUpdate(
        x: UnsafeMutablePointer<Float>, r: UnsafeMutablePointer<Float>, p: UnsafeMutablePointer<Float>,
        ap: UnsafePointer<Float>, rsOld: Float, factors f: Int
    ) -> Float? {
        let step = rsOld / Kernels.dot(p, ap, count: f)
        Kernels.axpy(step, p, x, count: f)
        Kernels.axpy(-step, ap, r, count: f)
        let rsNew = Kernels.dot(r, r, count: f)
        if rsNew < 1e-20 { return nil }
        Kernels.xpby(r, rsNew / rsOld, p, count: f)
        return rsNew
    }

    /// The same conjugate-gradient steps with the row's fixed-side vectors first copied into contiguous
    /// scratch G (n × f): the scattered reads happen once per row instead of once per step, and the
    /// products G·v and Gᵀt run four rows at a time. Residual r = −A0 x + Gᵀ(c − (c−1)∘Gx);
    /// each step A p = A0 p + Gᵀ((c−1)∘Gp).
    /// - Parameters:
    ///   - scratch: at least 3·f + n·(f + 1) floats.
    @inline(__always)
    static func gatheredConjugateGradient(
        x: UnsafeMutablePointer<Float>, entries e: Entries, fixed: UnsafePointer<Float>, gram: UnsafePointer<Float>,
        factors f: Int, steps: Int, scratch: UnsafeMutablePointer<Float>
    ) {
        let n = e.count
        let r = scratch, p = scratch + f, ap = scratch + 2 * f
        let g = scratch + 3 * f, t = g + n * f
        for k in 0..<n { (g + k * f).update(from: fixed + Int(e.index[k]) * f, count: f) }
        // r = b − A x
        ALSKernels.rowDots(gram, rows: f, columns: f, x, r)
        for j in 0..<f { r[j] = -r[j] }
        ALSKernels.rowDots(g, rows: n, columns: f, x, t)
        for k in 0..<n { let c = e.confidence[k]; t[k] = c - (c - 1) * t[k] }
        ALSKernels.accumulateRows(g, rows: n, columns: f, t, r)
        p.update(from: r, count: f)
        var rsOld = Kernels.dot(r, r, count: f)
        if rsOld < 1e-20 { return }
        for _ in 0..<steps {
            ALSKernels.rowDots(gram, rows: f, columns: f, p, ap)
            ALSKernels.rowDots(g, rows: n, columns: f, p, t)
            for k in 0..<n { t[k] *= e.confidence[k] - 1 }
            ALSKernels.accumulateRows(g, rows: n, columns: f, t, ap)
            guard let rsNew = conjugateGradientUpdate(x: x, r: r, p: p, ap: ap, rsOld: rsOld, factors: f) else { break }
            rsOld = rsNew
        }
    }

    /// The exact solve of A x = b by Cholesky (LAPACK `sposv`), A = A0 + Σ (c−1) y yᵀ, b = Σ c y.
    /// The rank-k update is done `block` rows at a time with BLAS `ssyrk` on rows scaled by √(c−1).
    /// - Parameters:
    ///   - scratch: at least f² + f + `block`·f floats.
    /// - Returns: false when A was not positive definite (x is then left as it was).
    @discardableResult
    static func cholesky(
        x: UnsafeMutablePointer<Float>, entries e: Entries, fixed: UnsafePointer<Float>, gram: UnsafePointer<Float>,
        factors f: Int, block capacity: Int, scratch: UnsafeMutablePointer<Float>
    ) -> Bool {
        let a = scratch, b = scratch + f * f, block = scratch + f * f + f
        a.update(from: gram, count: f * f)
        b.update(repeating: 0, count: f)
        var k = 0
        while k < e.count {
            let n = min(capacity, e.count - k)
            for j in 0..<n {
                let y = fixed + Int(e.index[k + j]) * f
                let c = e.confidence[k + j]
                Kernels.axpy(c, y, b, count: f)
                let w = max(0, c - 1).squareRoot()
                let dst = block + j * f
                for t in 0..<f { dst[t] = w * y[t] }
            }
            BLAS.gram(n: f, k: n, a: block, lda: f, beta: 1, c: a)
            k += n
        }
        guard BLAS.sposv(n: f, a: a, b: b) else { return false }
        x.update(from: b, count: f)
        return true
    }

    /// The training loss as `implicit` defines it (`calculate_loss`):
    ///
    ///     [ Σ_u Σ_i c_ui (p_ui − x_u·y_i)² + λ (‖X‖² + ‖Y‖²) ] / (Σ_positives c + users·items − positives)
    ///
    /// i.e. the confidence-weighted squared error over all pairs plus the penalty, divided by the total
    /// confidence of all pairs. The sum over all pairs costs O(nnz·f + users·f²) by the YᵀY trick:
    /// for each user, Σ_i c (p − x·y)² = xᵀ(YᵀY)x + Σ_{i positive} [(c−1)(x·y)² − 2c(x·y) + c].
    /// Summed in Double per fixed chunk of users, then in chunk order: the value does not depend on threads.
    static func loss(
        _ rows: ConfidenceRows, x: UnsafePointer<Float>, y: UnsafePointer<Float>, factors f: Int,
        regularization: Float, threads: Int
    ) -> Double {
        let gram = UnsafeMutablePointer<Float>.allocate(capacity: f * f)
        defer { gram.deallocate() }
        if rows.columns > 0 { BLAS.gram(n: f, k: rows.columns, a: y, lda: f, c: gram) } else { gram.initialize(repeating: 0, count: f * f) }
        let grain = 256
        let chunks = (rows.rows + grain - 1) / grain
        var partial = [Double](repeating: 0, count: max(1, chunks) * 2)
        let workers = max(1, threads)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * 16 * ((f + 15) / 16))
        defer { scratch.deallocate() }
        let stride = 16 * ((f + 15) / 16)
        partial.withUnsafeMutableBufferPointer { out in
            rows.rowStart.withUnsafeBufferPointer { starts in
                rows.index.withUnsafeBufferPointer { index in
                    rows.confidence.withUnsafeBufferPointer { confidence in
                        let s = UnsafeSendable((out: out.baseAddress!, starts: starts.baseAddress!, index: index.baseAddress!,
                                                confidence: confidence.baseAddress!, x: x, y: y, gram: UnsafePointer(gram), scratch: scratch))
                        parallelFor(rows.rows, threads: workers, grain: grain) { range, worker in
                            let v = s.value
                            let r = v.scratch + worker * stride
                            // One partial sum per fixed chunk of `grain` users, also when a single worker
                            // gets the whole range: the sum order, so the value, does not depend on threads.
                            for chunkStart in Swift.stride(from: range.lowerBound, to: range.upperBound, by: grain) {
                                var error = 0.0, totalConfidence = 0.0
                                for u in chunkStart..<min(range.upperBound, chunkStart + grain) {
                                    let xu = v.x + u * f
                                    BLAS.sgemv(m: f, n: f, a: v.gram, lda: f, x: xu, y: r)
                                    var rowError = Double(Kernels.dot(r, xu, count: f))
                                    for p in v.starts[u]..<v.starts[u + 1] {
                                        let c = Double(v.confidence[p])
                                        let d = Double(Kernels.dot(v.y + Int(v.index[p]) * f, xu, count: f))
                                        rowError += (c - 1) * d * d - 2 * c * d + c
                                        totalConfidence += c
                                    }
                                    error += rowError + Double(regularization) * Double(Kernels.dot(xu, xu, count: f))
                                }
                                let chunk = chunkStart / grain
                                v.out[2 * chunk] = error
                                v.out[2 * chunk + 1] = totalConfidence
                            }
                        }
                    }
                }
            }
        }
        var error = 0.0, totalConfidence = 0.0
        for chunk in 0..<chunks { error += partial[2 * chunk]; totalConfidence += partial[2 * chunk + 1] }
        var itemNorm = 0.0
        for i in 0..<rows.columns { itemNorm += Double(Kernels.dot(y + i * f, y + i * f, count: f)) }
        error += Double(regularization) * itemNorm
        let pairs = Double(rows.rows) * Double(rows.columns)
        let denominator = totalConfidence + pairs - Double(rows.nonZeroCount)
        return denominator > 0 ? error / denominator : 0
    }
}
