import LinearAlgebra
import Support

extension NeuralCF {
    /// Items scored per block when ranking all items for a user (bounds the scratch memory).
    static let scoringBlock = 2048

    /// The output logit of every item for `user`, computed block by block as one batch forward over
    /// items: the GMF part is one `sgemv` (`Q · (p_u ⊙ w_g)`); the tower's first layer splits into the
    /// user half (one `sgemv`, shared by all items) and the item half (one `sgemm` over the block), then
    /// each further layer is one `sgemm`.
    public func scores(forUser user: Int, into scores: UnsafeMutableBufferPointer<Float>) {
        precondition(scores.count == itemCount && user >= 0 && user < userCount)
        let a = architecture
        let f = a.gmfWidth, e = a.mlpWidth
        let layers = a.layers
        gmfUser.withUnsafeBufferPointer { gu in
        gmfItem.withUnsafeBufferPointer { gi in
        mlpUser.withUnsafeBufferPointer { mu in
        mlpItem.withUnsafeBufferPointer { mi in
        dense.withUnsafeBufferPointer { dw in
            let out = dw.baseAddress! + layout.outputOffset
            let bias = dw[layout.outputBiasOffset]
            let result = scores.baseAddress!
            // GMF: fold the output weights into the user vector.
            var userGMF = [Float](repeating: 0, count: max(f, 1))
            for k in 0..<f { userGMF[k] = gu[user * f + k] * out[k] }
            // MLP first layer, user half: W₁[:, 0..<e] · p′_u + b₁.
            let hidden = a.hiddenCount
            var userPart = [Float](repeating: 0, count: hidden > 0 ? layers[1] : 1)
            var blockBuffers: [FloatBuffer] = []
            if a.kind.hasMLP && hidden > 0 {
                let d1 = layers[1], d0 = layers[0]
                let bias1 = dw.baseAddress! + layout.biasOffset[0]
                for r in 0..<d1 { userPart[r] = bias1[r] }
                BLAS.sgemv(m: d1, n: e, a: dw.baseAddress! + layout.weightOffset[0], lda: d0,
                           x: mu.baseAddress! + user * e, beta: 1, y: &userPart)
                blockBuffers = (1..<layers.count).map { FloatBuffer(Self.scoringBlock * layers[$0]) }
            }
            var start = 0
            while start < itemCount {
                let n = min(Self.scoringBlock, itemCount - start)
                let block = result + start
                for r in 0..<n { block[r] = bias }
                if f > 0 {
                    BLAS.sgemv(m: n, n: f, a: gi.baseAddress! + start * f, lda: f, x: userGMF, beta: 1, y: block)
                }
                if a.kind.hasMLP {
                    if hidden == 0 {
                        // No hidden layer: the output sees [p′_u, q′_i] directly.
                        var userDot: Float = 0
                        for k in 0..<e { userDot += mu[user * e + k] * out[f + k] }
                        BLAS.sgemv(m: n, n: e, a: mi.baseAddress! + start * e, lda: e, x: out + f + e, beta: 1, y: block)
                        for r in 0..<n { block[r] += userDot }
                    } else {
                        let d0 = layers[0], d1 = layers[1]
                        let x = blockBuffers[0].pointer
                        for r in 0..<n { (x + r * d1).update(from: userPart, count: d1) }
                        BLAS.sgemm(transB: true, m: n, n: d1, k: e, a: mi.baseAddress! + start * e, lda: e,
                                   b: dw.baseAddress! + layout.weightOffset[0] + e, ldb: d0, beta: 1, c: x, ldc: d1)
                        for p in 0..<(n * d1) { x[p] = max(0, x[p]) }
                        for l in 1..<hidden {
                            let din = layers[l], dout = layers[l + 1]
                            let y = blockBuffers[l].pointer
                            BLAS.sgemm(transB: true, m: n, n: dout, k: din, a: blockBuffers[l - 1].pointer, lda: din,
                                       b: dw.baseAddress! + layout.weightOffset[l], ldb: din, c: y, ldc: dout)
                            addBiasReLU(y, rows: n, columns: dout, bias: dw.baseAddress! + layout.biasOffset[l])
                        }
                        let top = layers[hidden]
                        BLAS.sgemv(m: n, n: top, a: blockBuffers[hidden - 1].pointer, lda: top, x: out + f, beta: 1, y: block)
                    }
                }
                start += n
            }
        }}}}}
    }

    /// The output logits of (user, item) pairs, `users[b]` with `items[b]`: the training forward pass in
    /// batches, for scoring sampled candidates (leave-one-out with sampled negatives, re-ranking).
    public func scores(users: [Int32], items: [Int32]) -> [Float] {
        scores(users: users, items: items, gmfUserRows: nil, mlpUserRows: nil)
    }

    /// `scores(users:items:)` with the user rows read from other tables when given (a folded-in user).
    func scores(users: [Int32], items: [Int32], gmfUserRows: UnsafePointer<Float>?, mlpUserRows: UnsafePointer<Float>?) -> [Float] {
        precondition(users.count == items.count)
        let chunk = 1024
        let w = NCFWorkspace(architecture: architecture, capacity: min(chunk, max(users.count, 1)))
        var out = [Float](repeating: 0, count: users.count)
        gmfUser.withUnsafeBufferPointer { gu in
        gmfItem.withUnsafeBufferPointer { gi in
        mlpUser.withUnsafeBufferPointer { mu in
        mlpItem.withUnsafeBufferPointer { mi in
        dense.withUnsafeBufferPointer { dw in
        users.withUnsafeBufferPointer { up in
        items.withUnsafeBufferPointer { ip in
            let fallback = dw.baseAddress!
            let weights = NCFWeights(gmfUser: gmfUserRows ?? gu.baseAddress ?? fallback, gmfItem: gi.baseAddress ?? fallback,
                                     mlpUser: mlpUserRows ?? mu.baseAddress ?? fallback, mlpItem: mi.baseAddress ?? fallback,
                                     dense: fallback)
            var start = 0
            while start < users.count {
                let n = min(chunk, users.count - start)
                w.forward(weights, users: up.baseAddress! + start, items: ip.baseAddress! + start, count: n)
                for b in 0..<n { out[start + b] = w.logits.pointer[b] }
                start += n
            }
        }}}}}}}
        return out
    }

    /// The output logit for one (user, item) pair (same value as `scores(forUser:)` up to rounding).
    public func score(user: Int, item: Int) -> Float {
        scores(users: [Int32(user)], items: [Int32(item)])[0]
    }

    /// Vectors whose inner product ranks items for candidate retrieval (maximum inner product search).
    ///
    /// GMF: `p_u ⊙ w_g` against `q_i`, exactly the model's logit less its bias. NeuMF: the same GMF part
    /// plus one coordinate, 1 for every user against the tower's mean contribution to item i's logit over
    /// `sampleUsers` users spread through the user range (`t̄_i = mean_u logit(u, i) − p̄·q_i − b`). The
    /// GMF branch alone misses the tower's item effects (what NeuMF learns about an item whoever the user
    /// is), which decide much of the full ranking; the extra coordinate gives them back at the cost of one
    /// dimension.
    /// - Returns: row-major user and item vectors of `width` floats.
    public func retrievalVectors(sampleUsers: Int = 256) -> (users: [Float], items: [Float], width: Int) {
        let f = architecture.gmfWidth
        let users = retrievalUserFactors()
        guard architecture.kind == .neumf, userCount > 0, itemCount > 0 else { return (users, gmfItem, f) }
        let n = min(max(sampleUsers, 1), userCount)
        let sample = (0..<n).map { $0 * userCount / n }
        // Mean logit over the sample, one full scoring per sampled user, summed in Double per fixed chunk of
        // the sample (not per worker), then the chunks in order: the same vectors whatever the scheduling.
        let threads = min(Threads.count, n)
        let grain = (n + threads - 1) / threads
        let chunks = (n + grain - 1) / grain
        var sums = [Double](repeating: 0, count: chunks * itemCount)
        let items = itemCount
        sums.withUnsafeMutableBufferPointer { buffer in
            let shared = UnsafeSendable(buffer.baseAddress!)
            parallelFor(n, threads: threads, grain: grain) { range, _ in
                var logits = [Float](repeating: 0, count: items)
                let sum = shared.value + (range.lowerBound / grain) * items
                for s in range {
                    logits.withUnsafeMutableBufferPointer { self.scores(forUser: sample[s], into: $0) }
                    for i in 0..<items { sum[i] += Double(logits[i]) }
                }
            }
        }
        var meanUser = [Double](repeating: 0, count: f)
        for u in sample { for k in 0..<f { meanUser[k] += Double(users[u * f + k]) } }
        let bias = Double(dense[layout.outputBiasOffset])
        let width = f + 1
        var outUsers = [Float](repeating: 1, count: userCount * width)
        var outItems = [Float](repeating: 0, count: itemCount * width)
        for u in 0..<userCount { for k in 0..<f { outUsers[u * width + k] = users[u * f + k] } }
        for i in 0..<itemCount {
            var total = 0.0, gmf = 0.0
            for c in 0..<chunks { total += sums[c * itemCount + i] }
            for k in 0..<f {
                outItems[i * width + k] = gmfItem[i * f + k]
                gmf += meanUser[k] * Double(gmfItem[i * f + k])
            }
            outItems[i * width + f] = Float((total - gmf) / Double(n) - bias)
        }
        return (outUsers, outItems, width)
    }
}
