/// The conjugate-gradient inner loop's kernels, kept in this module so they inline into the row loop
/// (a call per 64-float vector would cost as much as the arithmetic).
///
/// Four 16-lane accumulators hide the FMA latency; a scalar tail handles lengths that are not a
/// multiple of 16. Release builds target x86-64-v3, so `addProduct` is a fused multiply-add.
enum ALSKernels {
    /// Σ a[i]·b[i]. (Two accumulators in a loop: a fully unrolled form ending in `.sum()` gets split
    /// into scalars by LLVM.)
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= n {
            s0.addProduct(load(a + i), load(b + i))
            s1.addProduct(load(a + i + 16), load(b + i + 16))
            i += 32
        }
        if i + 16 <= n {
            s0.addProduct(load(a + i), load(b + i))
            i += 16
        }
        var sum = (s0 + s1).sum()
        while i < n { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// y += alpha · x.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let a = SIMD16<Float>(repeating: alpha)
        var i = 0
        while i + 16 <= n {
            store(load(UnsafePointer(y + i)).addingProduct(a, load(x + i)), y + i)
            i += 16
        }
        while i < n { y[i] += alpha * x[i]; i += 1 }
    }

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
            var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
            while j < f { s0 += m0[j] * v[j]; s1 += m1[j] * v[j]; s2 += m2[j] * v[j]; s3 += m3[j] * v[j]; j += 1 }
            out[k] = s0; out[k + 1] = s1; out[k + 2] = s2; out[k + 3] = s3
            k += 4
        }
        while k < rows { out[k] = dot(m + k * f, v, f); k += 1 }
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
        while k < rows { axpy(t[k], m + k * f, out, f); k += 1 }
    }
}
