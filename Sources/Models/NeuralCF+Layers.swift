import LinearAlgebra

/// Read-only views of a model's five weight blocks, handed to the layer kernels.
struct NCFWeights: @unchecked Sendable {
    var gmfUser: UnsafePointer<Float>
    var gmfItem: UnsafePointer<Float>
    var mlpUser: UnsafePointer<Float>
    var mlpItem: UnsafePointer<Float>
    var dense: UnsafePointer<Float>
}

/// One owned, contiguous Float buffer (zeroed), freed with its owner.
final class FloatBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }
    convenience init(copying values: [Float]) {
        self.init(values.count)
        values.withUnsafeBufferPointer { if let base = $0.baseAddress { pointer.update(from: base, count: values.count) } }
    }
    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    func zero() { pointer.update(repeating: 0, count: count) }
    deinit { pointer.deallocate() }
}

/// The forward and backward pass of one shard of a mini-batch, with its own scratch and gradient
/// buffers so that shards run on different cores without sharing anything they write.
///
/// For sample `b` with user `u`, item `i`, label `y`:
/// - GMF: `h = p_u ⊙ q_i`;
/// - MLP: `x₀ = [p′_u, q′_i]`, `x_l = relu(W_l x_{l−1} + b_l)` (rows of the batch are samples, so the
///   product is `X_l = X_{l−1} W_lᵀ`, one `sgemm`);
/// - output: `z = w_gᵀh + w_mᵀx_L + c`, loss `softplus(z) − y·z` (binary cross-entropy on the sigmoid).
///
/// Backward (the loss is scaled by `scale`, e.g. 1/batch): `dz = scale·(σ(z) − y)`;
/// `dw_g = Σ dz·h`, `dw_m = Σ dz·x_L`, `dc = Σ dz`; `dh = dz·w_g` gives `dp_u = dh ⊙ q_i`,
/// `dq_i = dh ⊙ p_u`; down the tower `dZ_l = dX_l ⊙ [X_l > 0]`, `dW_l += dZ_lᵀ X_{l−1}`,
/// `db_l += Σ_rows dZ_l`, `dX_{l−1} = dZ_l W_l` (two `sgemm`s per layer). Embedding gradients are kept
/// per sample (`userGrad…`/`itemGrad…` rows, and the two halves of `dX₀`) and scattered by the trainer.
/// L2 on embeddings adds `scale·λ·e` per occurrence (the gradient of `λ/2·scale·Σ_b ‖e‖²`).
final class NCFWorkspace: @unchecked Sendable {
    let architecture: NeuralCF.Architecture
    let layout: NeuralCF.DenseLayout
    let capacity: Int
    /// GMF products `h` (capacity × factors).
    let product: FloatBuffer
    /// Tower activations `X_0 … X_L` (capacity × layers[l]) and their gradients.
    let activations: [FloatBuffer]
    let activationGrads: [FloatBuffer]
    let logits: FloatBuffer
    let logitGrads: FloatBuffer
    /// Gradient of the dense block (same layout as `NeuralCF.dense`), accumulated by `run`.
    let denseGrad: FloatBuffer
    /// Per-sample gradients of the GMF user and item embeddings (capacity × factors).
    let gmfUserGrad: FloatBuffer
    let gmfItemGrad: FloatBuffer

    init(architecture: NeuralCF.Architecture, capacity: Int) {
        self.architecture = architecture
        layout = NeuralCF.DenseLayout(architecture)
        self.capacity = capacity
        let f = architecture.gmfWidth
        product = FloatBuffer(capacity * f)
        let widths = architecture.kind.hasMLP ? architecture.layers : []
        activations = widths.map { FloatBuffer(capacity * $0) }
        activationGrads = widths.map { FloatBuffer(capacity * $0) }
        logits = FloatBuffer(capacity)
        logitGrads = FloatBuffer(capacity)
        denseGrad = FloatBuffer(layout.count)
        gmfUserGrad = FloatBuffer(capacity * f)
        gmfItemGrad = FloatBuffer(capacity * f)
    }

    /// Forward pass for `n` samples: fills `logits` (and the activations the backward pass needs).
    func forward(_ w: NCFWeights, users: UnsafePointer<Int32>, items: UnsafePointer<Int32>, count n: Int) {
        precondition(n <= capacity)
        let a = architecture
        let f = a.gmfWidth
        let out = w.dense + layout.outputOffset
        let bias = w.dense[layout.outputBiasOffset]
        let z = logits.pointer
        for b in 0..<n { z[b] = bias }
        if f > 0 {
            let h = product.pointer
            for b in 0..<n {
                let p = w.gmfUser + Int(users[b]) * f, q = w.gmfItem + Int(items[b]) * f
                let hb = h + b * f
                var s: Float = 0
                for k in 0..<f {
                    let v = p[k] * q[k]
                    hb[k] = v
                    s += v * out[k]
                }
                z[b] += s
            }
        }
        if a.kind.hasMLP {
            let e = a.mlpWidth
            let layers = a.layers
            let x0 = activations[0].pointer
            for b in 0..<n {
                (x0 + b * 2 * e).update(from: w.mlpUser + Int(users[b]) * e, count: e)
                (x0 + b * 2 * e + e).update(from: w.mlpItem + Int(items[b]) * e, count: e)
            }
            for l in 0..<a.hiddenCount {
                let input = activations[l].pointer, output = activations[l + 1].pointer
                let din = layers[l], dout = layers[l + 1]
                BLAS.sgemm(transB: true, m: n, n: dout, k: din, a: input, lda: din,
                           b: w.dense + layout.weightOffset[l], ldb: din, c: output, ldc: dout)
                addBiasReLU(output, rows: n, columns: dout, bias: w.dense + layout.biasOffset[l])
            }
            let last = activations[a.hiddenCount].pointer
            let dl = layers[a.hiddenCount]
            let outM = out + f
            for b in 0..<n {
                let xb = last + b * dl
                var s: Float = 0
                for k in 0..<dl { s += xb[k] * outM[k] }
                z[b] += s
            }
        }
    }

    /// Forward and backward for `n` samples; adds into `denseGrad` (zero it first) and overwrites the
    /// per-sample embedding gradients.
    /// - Parameters:
    ///   - scale: factor on each sample's loss (1 / full batch size for a mean).
    ///   - regularization: λ of the embeddings' L2 term.
    /// - Returns: the unscaled sum of the `n` binary cross-entropies, in Double.
    @discardableResult
    func run(_ w: NCFWeights, users: UnsafePointer<Int32>, items: UnsafePointer<Int32>, labels: UnsafePointer<Float>,
             count n: Int, scale: Float, regularization: Float) -> Double {
        forward(w, users: users, items: items, count: n)
        let a = architecture
        let f = a.gmfWidth
        let z = logits.pointer, dz = logitGrads.pointer
        var loss = 0.0
        for b in 0..<n {
            let x = z[b], y = labels[b]
            // softplus(x) - y·x, computed stably; σ(x) likewise.
            let softplus = max(x, 0) + log1pf(expf(-abs(x)))
            loss += Double(softplus - y * x)
            let sigma = x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
            dz[b] = scale * (sigma - y)
        }
        let g = denseGrad.pointer
        let out = w.dense + layout.outputOffset
        var biasGrad: Float = 0
        for b in 0..<n { biasGrad += dz[b] }
        g[layout.outputBiasOffset] += biasGrad
        let reg = scale * regularization
        if f > 0 {
            let h = product.pointer
            // dw_g = hᵀ dz
            BLAS.sgemv(trans: true, m: n, n: f, a: h, lda: f, x: dz, beta: 1, y: g + layout.outputOffset)
            let du = gmfUserGrad.pointer, di = gmfItemGrad.pointer
            for b in 0..<n {
                let p = w.gmfUser + Int(users[b]) * f, q = w.gmfItem + Int(items[b]) * f
                let d = dz[b]
                for k in 0..<f {
                    let dh = d * out[k]
                    du[b * f + k] = dh * q[k] + reg * p[k]
                    di[b * f + k] = dh * p[k] + reg * q[k]
                }
            }
        }
        if a.kind.hasMLP {
            let layers = a.layers
            let top = a.hiddenCount
            let dl = layers[top]
            let outM = out + f
            BLAS.sgemv(trans: true, m: n, n: dl, a: activations[top].pointer, lda: dl, x: dz, beta: 1,
                       y: g + layout.outputOffset + f)
            let dxTop = activationGrads[top].pointer
            for b in 0..<n {
                let d = dz[b]
                for k in 0..<dl { dxTop[b * dl + k] = d * outM[k] }
            }
            var l = top - 1
            while l >= 0 {
                let din = layers[l], dout = layers[l + 1]
                let x = activations[l + 1].pointer, dZ = activationGrads[l + 1].pointer
                // dZ = dX ⊙ [X > 0]; db += Σ rows dZ
                let db = g + layout.biasOffset[l]
                for b in 0..<n {
                    let xr = x + b * dout, dr = dZ + b * dout
                    for k in 0..<dout {
                        let v = xr[k] > 0 ? dr[k] : 0
                        dr[k] = v
                        db[k] += v
                    }
                }
                BLAS.sgemm(transA: true, m: dout, n: din, k: n, a: dZ, lda: dout, b: activations[l].pointer, ldb: din,
                           beta: 1, c: g + layout.weightOffset[l], ldc: din)
                BLAS.sgemm(m: n, n: din, k: dout, a: dZ, lda: dout, b: w.dense + layout.weightOffset[l], ldb: din,
                           c: activationGrads[l].pointer, ldc: din)
                l -= 1
            }
            if reg != 0 {
                let e = a.mlpWidth
                let dx0 = activationGrads[0].pointer
                for b in 0..<n {
                    let p = w.mlpUser + Int(users[b]) * e, q = w.mlpItem + Int(items[b]) * e
                    let row = dx0 + b * 2 * e
                    for k in 0..<e {
                        row[k] += reg * p[k]
                        row[e + k] += reg * q[k]
                    }
                }
            }
        }
        return loss
    }
}

/// `x[r, c] = max(0, x[r, c] + bias[c])` over a row-major block.
@inline(__always)
func addBiasReLU(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias: UnsafePointer<Float>) {
    for r in 0..<rows {
        let row = x + r * columns
        for c in 0..<columns { row[c] = max(0, row[c] + bias[c]) }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
