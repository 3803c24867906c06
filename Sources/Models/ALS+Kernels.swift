import LinearAlgebra

/// The conjugate-gradient solver's multi-row kernels, kept in this module so they inline into the row
/// loop (a call per 64-float vector would cost as much as the arithmetic). Single-vector work (dot
/// products, axpy) goes through `LinearAlgebra`'s `Kernels`.
///
/// Four rows at a time keep four independent FMA chains in flight; a scalar tail handles lengths that
/// are not a multiple of 16. Release builds target x86-64-v3, so `addProduct` is a fused multiply-add.
enum ALSKernels {
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}

extension ALSKernels {
    /// out[k] = M[k]·v for the `rows` rows of row-major M (`columns` floats each, contiguous).
    /// Four rows at a time so four independent FMA chains are in flight.
    @inline(__always)
    static func rowDots(_ m: UnsafePointer<Float>, rows: Int, columns f: Int, _ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        var k = 0
        let vectorEnd = f & ~15
        while k + 4 <= rows {
            let m0 = m + k * f, m1 = m0 + f, m2 = m1 + f, m3 = m2 + f
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            var j = 0
            while j < vectorEnd {
                let x = load(v + j)
                a0.addProduct(load(m0 + j), x)
                a1.addProduct(load(m1 + j), x)
                a2.addProduct(load(m2 + j), x)
                a3.addProduct(load(m3 + j), x)
                j += 16
            }
            var s0 = Kernels.horizontalSum(a0), s1 = Kernels.horizontalSum(a1)
            var s2 = Kernels.horizontalSum(a2), s3 = Kernels.horizontalSum(a3)
            while j < f { s0 += m0[j] * v[j]; s1 += m1[j] * v[j]; s2 += m2[j] * v[j]; s3 += m3[j] * v[j]; j += 1 }
            out[k] = s0; out[k + 1] = s1; out[k + 2] = s2; out[k + 3] = s3
            k += 4
        }
        while k < rows { out[k] = Kernels.dot(m + k * f, v, count: f); k += 1 }
    }

    /// out += Σ_k t[k]·M[k] over the `rows` rows of row-major M (Mᵀt accumulated), four rows at a time.
    @inline(__always)
    static func accumulateRows(_ m: UnsafePointer<Float>, rows: Int, columns f: Int, _ t: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        var k = 0
        let vectorEnd = f & ~15
        while k + 4 <= rows {
            let m0 = m + k * f, m1 = m0 + f, m2 = m1 + f, m3 = m2 + f
            let t0 = SIMD16<Float>(repeating: t[k]), t1 = SIMD16<Float>(repeating: t[k + 1])
            let t2 = SIMD16<Float>(repeating: t[k + 2]), t3 = SIMD16<Float>(repeating: t[k + 3])
            var j = 0
            while j < vectorEnd {
                var o = load(UnsafePointer(out + j))
                o.addProduct(t0, load(m0 + j))
                o.addProduct(t1, load(m1 + j))
                o.addProduct(t2, load(m2 + j))
                o.addProduct(t3, load(m3 + j))
                store(o, out + j)
                j += 16
            }
            while j < f { out[j] += t[k] * m0[j] + t[k + 1] * m1[j] + t[k + 2] * m2[j] + t[k + 3] * m3[j]; j += 1 }
            k += 4
        }
        while k < rows { Kernels.axpy(t[k], m + k * f, out, count: f); k += 1 }
    }
}
