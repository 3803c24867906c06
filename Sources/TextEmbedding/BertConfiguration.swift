import Foundation

/// The shape of a BERT encoder, as a Hugging Face `config.json` gives it.
///
/// all-MiniLM-L6-v2 (Wang et al. 2020, fine-tuned as a sentence encoder) is a BERT of 6 layers,
/// hidden size 384, 12 heads of 32, feed-forward width 1536, 512 positions and a 30,522-token
/// vocabulary; a tiny test model uses the same fields with small numbers.
public struct BertConfiguration: Sendable, Equatable {
    /// Width of every token vector (`hidden_size`).
    public var hiddenSize: Int
    /// Attention heads per layer (`num_attention_heads`); `hiddenSize` must be a multiple of it.
    public var attentionHeads: Int
    /// Transformer layers (`num_hidden_layers`).
    public var layers: Int
    /// Width of the feed-forward layer (`intermediate_size`).
    public var intermediateSize: Int
    /// The ε added to the variance in every LayerNorm (`layer_norm_eps`).
    public var layerNormEpsilon: Float
    /// Rows of the word-embedding table (`vocab_size`).
    public var vocabularySize: Int
    /// Rows of the position-embedding table (`max_position_embeddings`): the longest sequence.
    public var maxPositions: Int
    /// Rows of the token-type table (`type_vocab_size`).
    public var typeVocabularySize: Int

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / attentionHeads }

    /// A configuration from its numbers.
    /// - Throws: `TextEmbeddingError.badConfiguration` when a size is not positive or `hiddenSize` is not a
    ///   multiple of `attentionHeads`.
    public init(hiddenSize: Int, attentionHeads: Int, layers: Int, intermediateSize: Int, layerNormEpsilon: Float = 1e-12,
                vocabularySize: Int, maxPositions: Int, typeVocabularySize: Int = 2) throws {
        self.hiddenSize = hiddenSize
        self.attentionHeads = attentionHeads
        self.layers = layers
        self.intermediateSize = intermediateSize
        self.layerNormEpsilon = layerNormEpsilon
        self.vocabularySize = vocabularySize
        self.maxPositions = maxPositions
        self.typeVocabularySize = typeVocabularySize
        try check(source: "configuration")
    }

    /// Reads `config.json`.
    /// - Throws: `TextEmbeddingError.cannotRead`, or `.badConfiguration` naming a missing or wrong field
    ///   (also for an activation other than `gelu`, or a position embedding other than `absolute`).
    public init(contentsOf url: URL) throws {
        let json = try ModelFiles.readJSONObject(url)
        func integer(_ field: String) throws -> Int {
            guard let value = json[field] as? Int else {
                throw TextEmbeddingError.badConfiguration(path: url.path, field: field, reason: "is missing or not a whole number")
            }
            return value
        }
        hiddenSize = try integer("hidden_size")
        attentionHeads = try integer("num_attention_heads")
        layers = try integer("num_hidden_layers")
        intermediateSize = try integer("intermediate_size")
        vocabularySize = try integer("vocab_size")
        maxPositions = try integer("max_position_embeddings")
        typeVocabularySize = json["type_vocab_size"] as? Int ?? 2
        layerNormEpsilon = Float(json["layer_norm_eps"] as? Double ?? 1e-12)
        if let activation = json["hidden_act"] as? String, activation != "gelu" {
            throw TextEmbeddingError.badConfiguration(path: url.path, field: "hidden_act",
                                                      reason: "is \(activation); only gelu (the erf form) is supported")
        }
        if let positions = json["position_embedding_type"] as? String, positions != "absolute" {
            throw TextEmbeddingError.badConfiguration(path: url.path, field: "position_embedding_type",
                                                      reason: "is \(positions); only absolute is supported")
        }
        try check(source: url.path)
    }

    private func check(source: String) throws {
        for (name, value) in [("hidden_size", hiddenSize), ("num_attention_heads", attentionHeads), ("num_hidden_layers", layers),
                              ("intermediate_size", intermediateSize), ("vocab_size", vocabularySize),
                              ("max_position_embeddings", maxPositions), ("type_vocab_size", typeVocabularySize)] where value <= 0 {
            throw TextEmbeddingError.badConfiguration(path: source, field: name, reason: "must be positive, found \(value)")
        }
        guard hiddenSize % attentionHeads == 0 else {
            throw TextEmbeddingError.badConfiguration(path: source, field: "num_attention_heads",
                                                      reason: "\(attentionHeads) does not divide hidden_size \(hiddenSize)")
        }
        guard layerNormEpsilon >= 0, layerNormEpsilon.isFinite else {
            throw TextEmbeddingError.badConfiguration(path: source, field: "layer_norm_eps", reason: "must be a finite number ≥ 0")
        }
    }
}
