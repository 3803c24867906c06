/// A BERT encoder's weights, in one 64-byte-aligned block, in the layout the forward pass uses:
/// PyTorch's `Linear` layout (out × in, row-major), with each layer's query, key and value matrices
/// stacked into one 3·hidden × hidden matrix so that a single product makes all three.
///
/// Immutable after `init`; the pointers stay valid as long as the object lives.
final class EncoderWeights: @unchecked Sendable {
    struct Layer {
        let qkvWeight: UnsafePointer<Float>             // 3H × H: query rows, then key, then value
        let qkvBias: UnsafePointer<Float>               // 3H
        let attentionOutputWeight: UnsafePointer<Float> // H × H
        let attentionOutputBias: UnsafePointer<Float>   // H
        let attentionNormGamma: UnsafePointer<Float>
        let attentionNormBeta: UnsafePointer<Float>
        let intermediateWeight: UnsafePointer<Float>    // I × H
        let intermediateBias: UnsafePointer<Float>      // I
        let outputWeight: UnsafePointer<Float>          // H × I
        let outputBias: UnsafePointer<Float>            // H
        let outputNormGamma: UnsafePointer<Float>
        let outputNormBeta: UnsafePointer<Float>
    }

    let wordEmbeddings: UnsafePointer<Float>      // vocab × H
    let positionEmbeddings: UnsafePointer<Float>  // positions × H
    let tokenTypeEmbeddings: UnsafePointer<Float> // types × H
    let embeddingNormGamma: UnsafePointer<Float>
    let embeddingNormBeta: UnsafePointer<Float>
    let layers: [Layer]
    private let storage: UnsafeMutableRawPointer

    /// Reads and shape-checks every tensor of a Hugging Face `BertModel` (names with or without the
    /// `bert.` prefix that task heads add; pooler and head tensors are ignored).
    /// - Throws: `TextEmbeddingError.missingTensor`, `.shapeMismatch` or `.unsupportedDType`.
    init(_ file: SafeTensors, configuration c: BertConfiguration) throws {
        let prefix = file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let h = c.hiddenSize, i = c.intermediateSize
        // Every tensor in the order it is laid out; the three attention projections sit side by side.
        var plan: [(name: String, shape: [Int])] = [
            ("embeddings.word_embeddings.weight", [c.vocabularySize, h]),
            ("embeddings.position_embeddings.weight", [c.maxPositions, h]),
            ("embeddings.token_type_embeddings.weight", [c.typeVocabularySize, h]),
            ("embeddings.LayerNorm.weight", [h]), ("embeddings.LayerNorm.bias", [h]),
        ]
        for l in 0..<c.layers {
            let p = "encoder.layer.\(l)."
            plan += [
                (p + "attention.self.query.weight", [h, h]), (p + "attention.self.key.weight", [h, h]),
                (p + "attention.self.value.weight", [h, h]),
                (p + "attention.self.query.bias", [h]), (p + "attention.self.key.bias", [h]), (p + "attention.self.value.bias", [h]),
                (p + "attention.output.dense.weight", [h, h]), (p + "attention.output.dense.bias", [h]),
                (p + "attention.output.LayerNorm.weight", [h]), (p + "attention.output.LayerNorm.bias", [h]),
                (p + "intermediate.dense.weight", [i, h]), (p + "intermediate.dense.bias", [i]),
                (p + "output.dense.weight", [h, i]), (p + "output.dense.bias", [h]),
                (p + "output.LayerNorm.weight", [h]), (p + "output.LayerNorm.bias", [h]),
            ]
        }
        // Each tensor starts on a 64-byte boundary (16 floats), except the key and value weights and
        // biases, which follow the query's directly so that the three form one matrix and one vector.
        var offsets: [Int] = []
        var total = 0
        for entry in plan {
            let joined = entry.name.hasSuffix("self.key.weight") || entry.name.hasSuffix("self.value.weight")
                || entry.name.hasSuffix("self.key.bias") || entry.name.hasSuffix("self.value.bias")
            if !joined { total = (total + 15) / 16 * 16 }
            offsets.append(total)
            total += entry.shape.reduce(1, *)
        }
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1) * 4, alignment: 64)
        let base = storage.bindMemory(to: Float.self, capacity: total)
        do {
            for (entry, offset) in zip(plan, offsets) {
                try file.copyFloats(prefix + entry.name, shape: entry.shape, into: base + offset)
            }
        } catch {
            storage.deallocate()
            throw error
        }
        var k = 0
        func next() -> UnsafePointer<Float> {
            defer { k += 1 }
            return UnsafePointer(base + offsets[k])
        }
        wordEmbeddings = next()
        positionEmbeddings = next()
        tokenTypeEmbeddings = next()
        embeddingNormGamma = next()
        embeddingNormBeta = next()
        var layers: [Layer] = []
        for _ in 0..<c.layers {
            let qkvWeight = next(); _ = next(); _ = next() // key and value follow the query contiguously
            let qkvBias = next(); _ = next(); _ = next()
            layers.append(Layer(
                qkvWeight: qkvWeight, qkvBias: qkvBias,
                attentionOutputWeight: next(), attentionOutputBias: next(),
                attentionNormGamma: next(), attentionNormBeta: next(),
                intermediateWeight: next(), intermediateBias: next(),
                outputWeight: next(), outputBias: next(),
                outputNormGamma: next(), outputNormBeta: next()))
        }
        self.layers = layers
    }

    deinit { storage.deallocate() }
}
