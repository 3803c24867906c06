@preconcurrency import CBLAS

/// SIMD distance kernels over contiguous Float vectors.
///
/// Small, audited functions on raw pointers, `@inlinable` so that callers in other modules (graph walks,
/// solvers) inline them instead of paying a call per distance: 16-lane accumulators, two of them to hide FMA latency,
/// and a scalar tail. Release builds target x86-64-v3 so `addingProduct` is a fused multiply-add.
public enum Kernels {
    /// Σ a[i]·b[i] over `count` elements.
    @inlinable @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var i = 0
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        while i + 32 <= count {
            let a0 = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            let b0 = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            let a1 = UnsafeRawPointer(a + i + 16).loadUnaligned(as: SIMD16<Float>.self)
            let b1 = UnsafeRawPointer(b + i + 16).loadUnaligned(as: SIMD16<Float>.self)
            acc0.addProduct(a0, b0)
            acc1.addProduct(a1, b1)
            i += 32
        }
        if i + 16 <= count {
            let a0 = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
            let b0 = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            acc0.addProduct(a0, b0)
            i += 16
        }
        var sum = horizontalSum(acc0 + acc1)
        while i < count { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// Σ (a[i] − b[i])² over `count` elements.
    @inlinable @inline(__always)
    public static func squaredL2(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var i = 0
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        while i + 32 <= count {
            let d0 = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
                - UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            let d1 = UnsafeRawPointer(a + i + 16).loadUnaligned(as: SIMD16<Float>.self)
                - UnsafeRawPointer(b + i + 16).loadUnaligned(as: SIMD16<Float>.self)
            acc0.addProduct(d0, d0)
            acc1.addProduct(d1, d1)
            i += 32
        }
        if i + 16 <= count {
            let d0 = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
                - UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            acc0.addProduct(d0, d0)
            i += 16
        }
        var sum = horizontalSum(acc0 + acc1)
        while i < count { let d = a[i] - b[i]; sum += d * d; i += 1 }
        return sum
    }

    /// Σ (a[i] − b[i])² over exactly 64 elements, fully unrolled: four independent 16-lane products
    /// summed pairwise (no loop, no tail), the shape of hnswlib's fixed-width kernels.
    @inlinable @inline(__always)
    public static func squaredL2x64(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        let d0 = ra.loadUnaligned(as: SIMD16<Float>.self) - rb.loadUnaligned(as: SIMD16<Float>.self)
        let d1 = ra.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self) - rb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
        let d2 = ra.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) - rb.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
        let d3 = ra.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self) - rb.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self)
        var s0 = d0 * d0, s1 = d2 * d2
        s0.addProduct(d1, d1)
        s1.addProduct(d3, d3)
        return horizontalSum(s0 + s1)
    }

    /// Σ a[i]·b[i] over exactly 64 elements, fully unrolled (see `squaredL2x64`).
    @inlinable @inline(__always)
    public static func dotx64(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = ra.loadUnaligned(as: SIMD16<Float>.self) * rb.loadUnaligned(as: SIMD16<Float>.self)
        var s1 = ra.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self) * rb.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
        s0.addProduct(ra.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self), rb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
        s1.addProduct(ra.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self), rb.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self))
        return horizontalSum(s0 + s1)
    }

    /// The sum of 16 lanes by halving (the standard library's generic `sum()` stays an out-of-line call).
    @inlinable @inline(__always)
    public static func horizontalSum(_ v: SIMD16<Float>) -> Float {
        let h8 = v.lowHalf + v.highHalf
        let h4 = h8.lowHalf + h8.highHalf
        let h2 = h4.lowHalf + h4.highHalf
        return h2[0] + h2[1]
    }

    /// Euclidean norm of `count` elements.
    @inlinable @inline(__always)
    public static func norm(_ a: UnsafePointer<Float>, count: Int) -> Float {
        dot(a, a, count: count).squareRoot()
    }

    /// Hints the CPU to fetch the cache line at `pointer` (graph walks prefetch the next neighbour's
    /// vector while the current distance is computed). A no-op for correctness.
    @inlinable @inline(__always)
    public static func prefetch(_ pointer: UnsafeRawPointer) {
        marquee_prefetch(pointer)
    }

    /// Scales `count` elements to unit Euclidean norm in place.
    /// - Returns: the norm before scaling (0 leaves the vector untouched).
    @discardableResult
    public static func normalize(_ a: UnsafeMutablePointer<Float>, count: Int) -> Float {
        let n = norm(a, count: count)
        guard n > 0, n.isFinite else { return n }
        let inverse = 1 / n
        for i in 0..<count { a[i] *= inverse }
        return n
    }
}
