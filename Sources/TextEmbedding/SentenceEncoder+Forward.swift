import Support
import LinearAlgebra

/// The batched forward pass.
extension SentenceEncoder {
    /// Per-worker buffers for one batch of at most `tokens` tokens and sequences of at most `longest`.
    final class Scratch {
        let hidden, qkv, context, projected, intermediate, scores: UnsafeMutablePointer<Float>
        private let block: UnsafeMutableRawPointer

        init(tokens: Int, longest: Int, configuration c: BertConfiguration) {
            let sizes = [tokens * c.hiddenSize, tokens * 3 * c.hiddenSize, tokens * c.hiddenSize, tokens * c.hiddenSize,
                         tokens * c.intermediateSize, longest * longest]
            let rounded = sizes.map { ($0 + 15) / 16 * 16 }
            block = UnsafeMutableRawPointer.allocate(byteCount: rounded.reduce(0, +) * 4, alignment: 64)
            var p = block.bindMemory(to: Float.self, capacity: rounded.reduce(0, +))
            var pointers: [UnsafeMutablePointer<Float>] = []
            for size in rounded {
                pointers.append(p)
                p += size
            }
            (hidden, qkv, context, projected, intermediate, scores) =
                (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5])
        }

        deinit { block.deallocate() }
    }

    /// Encodes sequences already known to be valid.
    func encodeChecked(_ sequences: [[Int32]], options: Options) -> [Float] {
        let h = configuration.hiddenSize
        var output = [Float](repeating: 0, count: sequences.count * h)
        guard !sequences.isEmpty else { return output }
        let batches = Self.plan(lengths: sequences.map(\.count), tokensPerBatch: options.tokensPerBatch)
        let workers = max(1, min(options.threads, batches.count))
        let largest = batches.map { $0.reduce(0) { $0 + sequences[$1].count } }.max() ?? 1
        let longest = sequences.map(\.count).max() ?? 1
        let scratch = (0..<workers).map { _ in Scratch(tokens: largest, longest: longest, configuration: configuration) }
        output.withUnsafeMutableBufferPointer { out in
            let out = UnsafeSendable(out.baseAddress!)
            let shared = UnsafeSendable(scratch)
            parallelFor(batches.count, threads: workers, grain: 1) { range, worker in
                for b in range {
                    forward(batches[b], of: sequences, scratch: shared.value[worker], output: out.value)
                }
            }
        }
        return output
    }

    /// Batches of text indices: longest texts first, consecutive texts packed until the next would
    /// pass `tokensPerBatch` tokens. Depends only on the lengths, never on the thread count.
    static func plan(lengths: [Int], tokensPerBatch: Int) -> [[Int]] {
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
        var batches: [[Int]] = []
        var current: [Int] = []
        var tokens = 0
        for i in order {
            if !current.isEmpty, tokens + lengths[i] > tokensPerBatch {
                batches.append(current)
                current = []
                tokens = 0
            }
            current.append(i)
            tokens += lengths[i]
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// The forward pass of one batch: writes the pooled, normalised vector of each text to its row
    /// of `output`.
    func forward(_ batch: [Int], of sequences: [[Int32]], scratch s: Scratch, output: UnsafeMutablePointer<Float>) {
        let c = configuration
        let h = c.hiddenSize, inner = c.intermediateSize, heads = c.attentionHeads, d = c.headSize
        let w = weights
        let tokens = batch.reduce(0) { $0 + sequences[$1].count }

        // Embeddings: word + position + token type 0, then LayerNorm.
        var row = 0
        for text in batch {
            for (position, id) in sequences[text].enumerated() {
                let x = s.hidden + row * h
                let word = w.wordEmbeddings + Int(id) * h, place = w.positionEmbeddings + position * h
                for j in 0..<h { x[j] = word[j] + place[j] }
                TransformerKernels.biasLayerNorm(x, bias: w.tokenTypeEmbeddings, into: x, columns: h, gamma: w.embeddingNormGamma,
                                                 beta: w.embeddingNormBeta, epsilon: c.layerNormEpsilon)
                row += 1
            }
        }

        let scale = 1 / Float(d).squareRoot()
        for layer in w.layers {
            // Queries, keys and values of every token in one product, accumulated onto the biases.
            TransformerKernels.fillRows(s.qkv, rows: tokens, with: layer.qkvBias, columns: 3 * h)
            BLAS.sgemm(transB: true, m: tokens, n: 3 * h, k: h, a: s.hidden, lda: h, b: layer.qkvWeight, ldb: h,
                       beta: 1, c: s.qkv, ldc: 3 * h)

            // Self-attention within each sequence, head by head, on strided views of the qkv rows.
            row = 0
            for text in batch {
                let length = sequences[text].count
                for head in 0..<heads {
                    let q = s.qkv + row * 3 * h + head * d
                    BLAS.sgemm(transB: true, m: length, n: length, k: d, alpha: scale, a: q, lda: 3 * h,
                               b: q + h, ldb: 3 * h, c: s.scores, ldc: length)
                    for i in 0..<length { TransformerKernels.softmax(s.scores + i * length, count: length) }
                    BLAS.sgemm(m: length, n: d, k: length, a: s.scores, lda: length, b: q + 2 * h, ldb: 3 * h,
                               c: s.context + row * h + head * d, ldc: h)
                }
                row += length
            }

            // Output projection accumulated onto the residual, then bias and LayerNorm.
            s.projected.update(from: s.hidden, count: tokens * h)
            BLAS.sgemm(transB: true, m: tokens, n: h, k: h, a: s.context, lda: h, b: layer.attentionOutputWeight, ldb: h,
                       beta: 1, c: s.projected, ldc: h)
            normalizeProjected(tokens, s, bias: layer.attentionOutputBias, gamma: layer.attentionNormGamma, beta: layer.attentionNormBeta)

            // Feed-forward: GELU(x·W₁ᵀ + b₁)·W₂ᵀ + b₂, onto the residual, then LayerNorm.
            TransformerKernels.fillRows(s.intermediate, rows: tokens, with: layer.intermediateBias, columns: inner)
            BLAS.sgemm(transB: true, m: tokens, n: inner, k: h, a: s.hidden, lda: h, b: layer.intermediateWeight, ldb: h,
                       beta: 1, c: s.intermediate, ldc: inner)
            TransformerKernels.gelu(s.intermediate, count: tokens * inner)
            s.projected.update(from: s.hidden, count: tokens * h)
            BLAS.sgemm(transB: true, m: tokens, n: h, k: inner, a: s.intermediate, lda: inner, b: layer.outputWeight, ldb: inner,
                       beta: 1, c: s.projected, ldc: h)
            normalizeProjected(tokens, s, bias: layer.outputBias, gamma: layer.outputNormGamma, beta: layer.outputNormBeta)
        }

        // Mean pooling over each sequence's tokens, then unit length.
        row = 0
        for text in batch {
            let length = sequences[text].count
            TransformerKernels.meanPoolNormalized(s.hidden + row * h, rows: length, columns: h, out: output + text * h)
            row += length
        }
    }

    /// hidden ← LayerNorm(projected + bias)·γ + β, token by token (`projected` holds residual + product).
    private func normalizeProjected(_ tokens: Int, _ s: Scratch, bias: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
                                    beta: UnsafePointer<Float>) {
        let h = configuration.hiddenSize
        for t in 0..<tokens {
            TransformerKernels.biasLayerNorm(s.projected + t * h, bias: bias, into: s.hidden + t * h, columns: h,
                                             gamma: gamma, beta: beta, epsilon: configuration.layerNormEpsilon)
        }
    }
}
