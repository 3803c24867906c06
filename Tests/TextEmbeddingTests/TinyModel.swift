import Foundation
import Support
@testable import TextEmbedding

/// A small vocabulary whose ids the tokenizer tests check by hand.
let testVocabulary = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",  // 0–4
    "cafe", "de", "##ja", "vu", "don",             // 5–9
    "'", "t", "stop", "!", "un",                   // 10–14
    "##aff", "##able", "北", "京", "a",             // 15–19
    "b", "c", "d", "e", "f",                       // 20–24
    "g", "$", "—", "x", "toy",                     // 25–29
    "story", "(", "1995", ")", "##s",              // 30–34
    ".", ",", "adventure", "the", "##e",           // 35–39
]

/// A tiny random BERT written to a temporary folder in the files a Hugging Face sentence-transformers
/// model ships (`model.safetensors`, `config.json`, `vocab.txt`, `tokenizer.json`,
/// `sentence_bert_config.json`), with the same weights kept in Double for an independent forward pass.
struct TinyModel {
    let hidden = 20, heads = 4, layers = 2, intermediate = 36, positions = 16, types = 2
    let maxLength: Int
    var vocabularySize: Int { testVocabulary.count + 3 }
    var headSize: Int { hidden / heads }
    /// Every tensor by its Hugging Face name, with its shape.
    var tensors: [String: (shape: [Int], values: [Double])] = [:]
    let directory: URL

    init(seed: UInt64, maxLength: Int = 12, prefix: String = "") throws {
        self.maxLength = maxLength
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-tinybert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var random = SeededGenerator(seed: seed)
        func normal(_ shape: [Int], scale: Double, mean: Double = 0) -> (shape: [Int], values: [Double]) {
            // Values rounded to Float so that the Double pass sees exactly the weights the encoder reads.
            (shape, (0..<shape.reduce(1, *)).map { _ in Double(Float(mean + scale * Double(random.nextGaussian()))) })
        }
        let h = hidden
        tensors["embeddings.word_embeddings.weight"] = normal([vocabularySize, h], scale: 1)
        tensors["embeddings.position_embeddings.weight"] = normal([positions, h], scale: 0.5)
        tensors["embeddings.token_type_embeddings.weight"] = normal([types, h], scale: 0.5)
        tensors["embeddings.LayerNorm.weight"] = normal([h], scale: 0.1, mean: 1)
        tensors["embeddings.LayerNorm.bias"] = normal([h], scale: 0.1)
        for l in 0..<layers {
            let p = "encoder.layer.\(l)."
            for name in ["query", "key", "value"] {
                tensors[p + "attention.self.\(name).weight"] = normal([h, h], scale: 0.4)
                tensors[p + "attention.self.\(name).bias"] = normal([h], scale: 0.1)
            }
            tensors[p + "attention.output.dense.weight"] = normal([h, h], scale: 0.3)
            tensors[p + "attention.output.dense.bias"] = normal([h], scale: 0.1)
            tensors[p + "attention.output.LayerNorm.weight"] = normal([h], scale: 0.1, mean: 1)
            tensors[p + "attention.output.LayerNorm.bias"] = normal([h], scale: 0.1)
            tensors[p + "intermediate.dense.weight"] = normal([intermediate, h], scale: 0.4)
            tensors[p + "intermediate.dense.bias"] = normal([intermediate], scale: 0.2)
            tensors[p + "output.dense.weight"] = normal([h, intermediate], scale: 0.3)
            tensors[p + "output.dense.bias"] = normal([h], scale: 0.1)
            tensors[p + "output.LayerNorm.weight"] = normal([h], scale: 0.1, mean: 1)
            tensors[p + "output.LayerNorm.bias"] = normal([h], scale: 0.1)
        }
        var file: [String: (dtype: String, shape: [Int], bytes: [UInt8])] = [:]
        for (name, tensor) in tensors { file[prefix + name] = ("F32", tensor.shape, float32Bytes(tensor.values)) }
        // A tensor the encoder must ignore, as in the real file.
        file[prefix + "embeddings.position_ids"] = ("I64", [1, positions], (0..<positions).flatMap { littleEndianBytes(Int64($0)) })
        try writeSafeTensors(file, to: directory.appendingPathComponent("model.safetensors"))
        try writeText(testVocabulary.joined(separator: "\n") + "\n", "vocab.txt")
        try writeText("""
            {"architectures": ["BertModel"], "hidden_act": "gelu", "hidden_size": \(h), "intermediate_size": \(intermediate),
             "layer_norm_eps": 1e-12, "max_position_embeddings": \(positions), "model_type": "bert",
             "num_attention_heads": \(heads), "num_hidden_layers": \(layers), "position_embedding_type": "absolute",
             "type_vocab_size": \(types), "vocab_size": \(vocabularySize)}
            """, "config.json")
        try writeText(#"{"max_seq_length": \#(maxLength), "do_lower_case": false}"#, "sentence_bert_config.json")
        try writeText(tokenizerJSON(), "tokenizer.json")
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    func writeText(_ text: String, _ name: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    /// The `tokenizer.json` of all-MiniLM-L6-v2, cut down to what the tokenizer reads.
    func tokenizerJSON(lowercase: Bool = true) -> String {
        let added = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].enumerated().map { i, token in
            #"{"id": \#(i), "content": "\#(token)", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}"#
        }.joined(separator: ", ")
        return """
            {"version": "1.0", "truncation": {"max_length": 128, "strategy": "LongestFirst", "stride": 0},
             "added_tokens": [\(added)],
             "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": \(lowercase)},
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "post_processor": {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
             "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": {}}}
            """
    }

    // MARK: the independent forward pass, in Double

    /// The sentence embedding of `ids` by plain loops in Double: embeddings, LayerNorm, per layer
    /// attention (softmax of QKᵀ/√d), projection, residual, LayerNorm, erf-GELU feed-forward, residual,
    /// LayerNorm; mean over the tokens; unit length.
    func referenceEmbedding(_ ids: [Int32]) -> [Double] {
        let h = hidden, d = headSize, n = ids.count
        func t(_ name: String) -> [Double] { tensors[name]!.values }
        func layerNorm(_ x: [Double], _ gamma: [Double], _ beta: [Double]) -> [Double] {
            let mean: Double = x.reduce(0, +) / Double(x.count)
            var variance = 0.0
            for v in x { variance += (v - mean) * (v - mean) }
            variance /= Double(x.count)
            let inverse = 1 / (variance + 1e-12).squareRoot()
            var y = x
            for c in x.indices { y[c] = (x[c] - mean) * inverse * gamma[c] + beta[c] }
            return y
        }
        /// y = W·x + b for W of `out` × `inp` (PyTorch's Linear layout).
        func linear(_ x: [Double], _ w: [Double], _ b: [Double], out: Int) -> [Double] {
            var y = b
            for o in 0..<out {
                for i in 0..<x.count { y[o] += w[o * x.count + i] * x[i] }
            }
            return y
        }
        let word = t("embeddings.word_embeddings.weight"), place = t("embeddings.position_embeddings.weight")
        let type = t("embeddings.token_type_embeddings.weight")
        var x: [[Double]] = []
        for i in 0..<n {
            var e = [Double](repeating: 0, count: h)
            for c in 0..<h { e[c] = word[Int(ids[i]) * h + c] + place[i * h + c] + type[c] }
            x.append(layerNorm(e, t("embeddings.LayerNorm.weight"), t("embeddings.LayerNorm.bias")))
        }
        for l in 0..<layers {
            let p = "encoder.layer.\(l)."
            let q = x.map { linear($0, t(p + "attention.self.query.weight"), t(p + "attention.self.query.bias"), out: h) }
            let k = x.map { linear($0, t(p + "attention.self.key.weight"), t(p + "attention.self.key.bias"), out: h) }
            let v = x.map { linear($0, t(p + "attention.self.value.weight"), t(p + "attention.self.value.bias"), out: h) }
            var context = [[Double]](repeating: [Double](repeating: 0, count: h), count: n)
            for head in 0..<heads {
                let columns = (head * d)..<((head + 1) * d)
                for i in 0..<n {
                    let scores = (0..<n).map { j in columns.reduce(0.0) { $0 + q[i][$1] * k[j][$1] } / Double(d).squareRoot() }
                    let largest = scores.max()!
                    let e = scores.map { Foundation.exp($0 - largest) }
                    let total = e.reduce(0, +)
                    for c in columns { context[i][c] = (0..<n).reduce(0.0) { $0 + e[$1] / total * v[$1][c] } }
                }
            }
            x = (0..<n).map { i in
                let projected = linear(context[i], t(p + "attention.output.dense.weight"), t(p + "attention.output.dense.bias"), out: h)
                return layerNorm((0..<h).map { x[i][$0] + projected[$0] },
                                 t(p + "attention.output.LayerNorm.weight"), t(p + "attention.output.LayerNorm.bias"))
            }
            x = (0..<n).map { i in
                let inner = linear(x[i], t(p + "intermediate.dense.weight"), t(p + "intermediate.dense.bias"), out: intermediate)
                    .map { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }
                let out = linear(inner, t(p + "output.dense.weight"), t(p + "output.dense.bias"), out: h)
                return layerNorm((0..<h).map { x[i][$0] + out[$0] }, t(p + "output.LayerNorm.weight"), t(p + "output.LayerNorm.bias"))
            }
        }
        let mean = (0..<h).map { c in x.reduce(0.0) { $0 + $1[c] } / Double(n) }
        let norm = mean.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        return mean.map { $0 / norm }
    }
}

// MARK: writing safetensors by hand (independent of the reader)

func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

func float32Bytes(_ values: [Double]) -> [UInt8] {
    values.flatMap { littleEndianBytes(Float($0).bitPattern) }
}

/// Writes a `.safetensors` file: header length, JSON header padded with spaces to 8 bytes, data.
func writeSafeTensors(_ tensors: [String: (dtype: String, shape: [Int], bytes: [UInt8])], to url: URL,
                      metadata: [String: String] = ["format": "pt"]) throws {
    var entries: [String] = []
    var data: [UInt8] = []
    for name in tensors.keys.sorted() {
        let t = tensors[name]!
        entries.append(#""\#(name)": {"dtype": "\#(t.dtype)", "shape": [\#(t.shape.map(String.init).joined(separator: ", "))], "data_offsets": [\#(data.count), \#(data.count + t.bytes.count)]}"#)
        data += t.bytes
    }
    let meta = metadata.map { #""\#($0.key)": "\#($0.value)""# }.joined(separator: ", ")
    var header = #"{"__metadata__": {\#(meta)}, "# + entries.joined(separator: ", ") + "}"
    while header.utf8.count % 8 != 0 { header += " " }
    var file = littleEndianBytes(UInt64(header.utf8.count))
    file += Array(header.utf8)
    file += data
    try Data(file).write(to: url)
}
