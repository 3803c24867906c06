/// The element-wise kernels of the encoder's forward pass: GELU, bias + LayerNorm,
/// softmax, mean pooling, and the SIMD `exp` and `erf` they rest on. Small audited functions on raw
/// pointers, 16 lanes at a time with a padded tail; the products themselves go to BLAS.
enum TransformerKernels {
    typealias Vector = SIMD16<Float>
    static let lanes = Vector.scalarCount

    // MARK: exp and erf

    /// x limited to [low, high] lane by lane. (Through `replacing(with:where:)`, which compiles to
    /// vector compares and blends; the standard `clamped` and `pointwiseMin` do not, as of Swift 6.3.)
    @inline(__always)
    static func clamp(_ x: Vector, _ low: Float, _ high: Float) -> Vector {
        let low = Vector(repeating: low), high = Vector(repeating: high)
        return x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }

    /// eˣ in every lane, within a few ulp on [−87, 88]; smaller inputs give ≈ 1.6e-38, larger ones
    /// e⁸⁸. Range reduction x = n·ln 2 + r with |r| ≤ ln 2 / 2, a degree-7 Taylor polynomial of eʳ
    /// (truncation error below 2e-8), and 2ⁿ written into the exponent bits.
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        let x = clamp(x, -87, 88)
        // Adding 1.5·2²³ rounds x·log₂e to the nearest integer n and leaves n in the low mantissa bits.
        let shifter = Vector(repeating: 12_582_912)
        let shifted = shifter.addingProduct(x, Vector(repeating: 1.442_695_04))
        let n = shifted - shifter
        // r = x − n·ln 2, ln 2 split into a part whose product with n is exact and a correction.
        var r = x.addingProduct(n, Vector(repeating: -0.693_145_751_953_125))
        r = r.addingProduct(n, Vector(repeating: -1.428_606_765_330_187e-6))
        var p = Vector(repeating: 1.0 / 5040)
        p = Vector(repeating: 1.0 / 720).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 120).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 24).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 6).addingProduct(p, r)
        p = Vector(repeating: 0.5).addingProduct(p, r)
        p = Vector(repeating: 1).addingProduct(p, r)
        p = Vector(repeating: 1).addingProduct(p, r)
        let nBits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- Int32(bitPattern: shifter[0].bitPattern)
        let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: Vector.self)
        return p * scale
    }

    /// erf(x) in every lane, absolute error below 5e-7 in Float (the formula itself: 1.5e-7): Abramowitz &
    /// Stegun (1964) formula 7.1.26,
    /// erf(|x|) = 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−x²) with t = 1 / (1 + p|x|), and erf(−x) = −erf(x).
    @inline(__always)
    static func erf(_ x: Vector) -> Vector {
        let a = clamp(x.replacing(with: -x, where: x .< 0), 0, 9)
        let t = Vector(repeating: 1) / Vector(repeating: 1).addingProduct(a, Vector(repeating: 0.327_591_1))
        var q = Vector(repeating: 1.061_405_429)
        q = Vector(repeating: -1.453_152_027).addingProduct(q, t)
        q = Vector(repeating: 1.421_413_741).addingProduct(q, t)
        q = Vector(repeating: -0.284_496_736).addingProduct(q, t)
        q = Vector(repeating: 0.254_829_592).addingProduct(q, t)
        let y = Vector(repeating: 1) - q * t * exp(-(a * a))
        return y.replacing(with: -y, where: x .< 0)
    }

    /// GELU in its exact form, x·Φ(x) = ½·x·(1 + erf(x / √2)), as BERT's `gelu` activation.
    @inline(__always)
    static func gelu(_ x: Vector) -> Vector {
        Vector(repeating: 0.5) * x * (Vector(repeating: 1) + erf(x * Vector(repeating: 0.707_106_781_186_547_5)))
    }

    // MARK: row kernels

    /// Loads `count` (< 16) floats into the low lanes, `fill` elsewhere.
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, _ count: Int, fill: Float = 0) -> Vector {
        var v = Vector(repeating: fill)
        for j in 0..<count { v[j] = p[j] }
        return v
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// `rows` contiguous rows of `columns`: every row ← `row`.
    static func fillRows(_ x: UnsafeMutablePointer<Float>, rows: Int, with row: UnsafePointer<Float>, columns: Int) {
        for r in 0..<rows { (x + r * columns).update(from: row, count: columns) }
    }

    /// `count` contiguous values: x ← GELU(x).
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var c = 0
        while c + lanes <= count {
            store(gelu(load(x + c)), x + c)
            c += lanes
        }
        if c < count {
            let tail = count - c
            let v = gelu(loadPartial(x + c, tail))
            for j in 0..<tail { x[c + j] = v[j] }
        }
    }

    /// One row of `columns`: out ← LayerNorm(x + bias)·γ + β, with the row's mean and (biased)
    /// variance and ε added to the variance, as PyTorch's `LayerNorm`. `out` may be `x`.
    static func biasLayerNorm(
        _ x: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, columns: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        var sum = Vector()
        var c = 0
        while c + lanes <= columns {
            let v = load(x + c) + load(bias + c)
            store(v, x + c)
            sum += v
            c += lanes
        }
        var total = sum.sum()
        for j in c..<columns {
            x[j] += bias[j]
            total += x[j]
        }
        let mean = total / Float(columns)
        var squares = Vector()
        c = 0
        while c + lanes <= columns {
            let d = load(x + c) - Vector(repeating: mean)
            squares = squares.addingProduct(d, d)
            c += lanes
        }
        var variance = squares.sum()
        for j in c..<columns { variance += (x[j] - mean) * (x[j] - mean) }
        variance /= Float(columns)
        let inverse = 1 / (variance + epsilon).squareRoot()
        c = 0
        while c + lanes <= columns {
            let v = (load(x + c) - Vector(repeating: mean)) * Vector(repeating: inverse)
            store(load(beta + c).addingProduct(v, load(gamma + c)), out + c)
            c += lanes
        }
        for j in c..<columns { out[j] = (x[j] - mean) * inverse * gamma[j] + beta[j] }
    }

    /// One row of `count` scores: x ← softmax(x).
    static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var largest = -Float.infinity
        for j in 0..<count where x[j] > largest { largest = x[j] }
        var sum = Vector()
        var c = 0
        while c + lanes <= count {
            let e = exp(load(x + c) - Vector(repeating: largest))
            store(e, x + c)
            sum += e
            c += lanes
        }
        var total = sum.sum()
        if c < count {
            let tail = count - c
            let e = exp(loadPartial(x + c, tail, fill: largest) - Vector(repeating: largest))
            for j in 0..<tail {
                x[c + j] = e[j]
                total += e[j]
            }
        }
        let inverse = 1 / total
        for j in 0..<count { x[j] *= inverse }
    }

    /// out ← the mean of `rows` rows of `columns` (stride `columns`), scaled to unit length
    /// (left at zero when the mean is zero).
    static func meanPoolNormalized(_ x: UnsafePointer<Float>, rows: Int, columns: Int, out: UnsafeMutablePointer<Float>) {
        for c in 0..<columns { out[c] = 0 }
        for r in 0..<rows {
            let row = x + r * columns
            for c in 0..<columns { out[c] += row[c] }
        }
        let scale = 1 / Float(max(rows, 1))
        var norm: Float = 0
        for c in 0..<columns {
            out[c] *= scale
            norm += out[c] * out[c]
        }
        // sentence-transformers' Normalize divides by max(‖v‖, 1e-12).
        let inverse = 1 / max(norm.squareRoot(), 1e-12)
        for c in 0..<columns { out[c] *= inverse }
    }
}
