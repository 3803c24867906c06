extension Kernels {
    /// y[i] += alpha · x[i] over `count` elements (BLAS's saxpy, inlined for short vectors inside hot loops).
    @inlinable @inline(__always)
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let a = SIMD16<Float>(repeating: alpha)
        while i + 16 <= count {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            var yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
            yv.addProduct(a, xv)
            UnsafeMutableRawPointer(y + i).storeBytes(of: yv, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { y[i] += alpha * x[i]; i += 1 }
    }

    /// y[i] = x[i] + beta · y[i] over `count` elements (the conjugate-gradient direction update).
    @inlinable @inline(__always)
    public static func xpby(_ x: UnsafePointer<Float>, _ beta: Float, _ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let b = SIMD16<Float>(repeating: beta)
        while i + 16 <= count {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: xv.addingProduct(b, yv), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count { y[i] = x[i] + beta * y[i]; i += 1 }
    }
}
