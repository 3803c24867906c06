@preconcurrency import CBLAS

/// The one place that calls `cblas_*` and LAPACK, and does every `Int32` conversion.
///
/// All matrices are row-major with an explicit leading dimension (row stride).
public enum BLAS {
    /// Sets OpenBLAS's own thread count. Marquee sets 1 when it parallelises rows itself.
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// OpenBLAS's current thread count.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// C ← alpha · op(A) · op(B) + beta · C, row-major.
    /// - Parameters: `m`×`k` op(A), `k`×`n` op(B), `m`×`n` C; `lda`, `ldb`, `ldc` are row strides.
    @inlinable
    public static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y ← alpha · op(A) · x + beta · y, row-major `m`×`n` A.
    @inlinable
    public static func sgemv(
        trans: Bool = false, m: Int, n: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// C ← alpha · Aᵀ·A + beta · C for row-major `k`×`n` A (C is `n`×`n`; both triangles filled).
    public static func gram(
        n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>
    ) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(n))
        for i in 0..<n { for j in 0..<i { c[i * n + j] = c[j * n + i] } }
    }

    /// Dot product of `n` floats.
    @inlinable
    public static func sdot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(Int32(n), x, 1, y, 1)
    }

    /// y ← alpha · x + y.
    @inlinable
    public static func saxpy(_ n: Int, alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    /// Solves A·X = B for symmetric positive-definite `n`×`n` A (row-major, overwritten by its Cholesky
    /// factor) and `n`×`nrhs` B (overwritten by X).
    /// - Returns: false when A is not positive definite.
    public static func sposv(n: Int, nrhs: Int = 1, a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>) -> Bool {
        LAPACKE_sposv(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), Int32(nrhs), a, Int32(n), b, Int32(nrhs)) == 0
    }
}
