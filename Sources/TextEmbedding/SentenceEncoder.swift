import Support
import Foundation
import LinearAlgebra

/// A sentence encoder: text → one unit-length vector, by a BERT encoder with mean pooling, as
/// sentence-transformers computes it (Reimers & Gurevych 2019).
///
/// Built for all-MiniLM-L6-v2 (Wang et al. 2020; 6 layers, 384 dimensions), but the architecture comes
/// from the model's `config.json`, so any BERT-shaped sentence-transformers model with mean pooling
/// loads the same way. The forward pass (Devlin et al. 2019) runs on BLAS in Float32: token, position
/// and token-type embeddings and LayerNorm; per layer, multi-head self-attention (one product for
/// queries, keys and values), the output projection, residual and LayerNorm, the GELU feed-forward,
/// residual and LayerNorm; then the mean of the token vectors, scaled to unit length.
///
/// ```swift
/// let encoder = try SentenceEncoder(directory: try ModelFiles.locate())
/// let vectors = encoder.encode(["Toy Story (1995)", "Heat (1995)"])   // 2 × 384, row-major
/// ```
///
/// Many texts are tokenised in parallel, packed into batches of whole sequences (no padding: the
/// dense layers run on all the batch's tokens at once, attention on each sequence alone) and the
/// batches are spread over the cores, each worker with its own scratch. Call `BLAS.setThreads(1)`
/// first, as Marquee's executables do; a text's vector does not depend on the thread count.
public struct SentenceEncoder: Sendable {
    /// The encoder's shape.
    public let configuration: BertConfiguration
    /// The tokenizer that turns text into the ids the model reads.
    public let tokenizer: WordPieceTokenizer
    let weights: EncoderWeights

    /// Length of every embedding (the hidden size; 384 for all-MiniLM-L6-v2).
    public var dimension: Int { configuration.hiddenSize }

    /// How ``encode(_:options:)`` splits its work.
    public struct Options: Sendable {
        /// Worker threads (default `Threads.count`: `MARQUEE_THREADS` or every core).
        public var threads: Int
        /// About how many tokens go into one batch (a batch always holds at least one whole text).
        public var tokensPerBatch: Int

        /// - Parameters:
        ///   - threads: worker threads.
        ///   - tokensPerBatch: tokens per batch.
        public init(threads: Int = Threads.count, tokensPerBatch: Int = 512) {
            self.threads = max(1, threads)
            self.tokensPerBatch = max(1, tokensPerBatch)
        }
    }

    /// Loads the model in `directory` (`config.json`, `model.safetensors`, `vocab.txt`,
    /// `tokenizer.json`, and `sentence_bert_config.json` / `1_Pooling/config.json` when present).
    /// - Parameters:
    ///   - directory: the model folder, e.g. from ``ModelFiles/locate(directory:)``.
    ///   - maxLength: the longest sequence in tokens, special tokens included; default the model's
    ///     `max_seq_length` (256 for all-MiniLM-L6-v2), else its position limit.
    /// - Throws: `TextEmbeddingError` naming the file, field or tensor that is wrong.
    public init(directory: URL, maxLength: Int? = nil) throws {
        let configuration = try BertConfiguration(contentsOf: directory.appendingPathComponent("config.json"))
        try Self.checkPooling(directory)
        let limit = try maxLength ?? ModelFiles.maxSequenceLength(in: directory) ?? configuration.maxPositions
        let tokenizer = try WordPieceTokenizer(directory: directory, maxLength: limit)
        let weights = try SafeTensors(url: directory.appendingPathComponent("model.safetensors"))
        try self.init(configuration: configuration, tokenizer: tokenizer, weights: weights)
    }

    /// An encoder from its parts.
    /// - Parameters:
    ///   - configuration: the architecture.
    ///   - tokenizer: its vocabulary must fit the word-embedding table and its ``WordPieceTokenizer/maxLength``
    ///     the position table.
    ///   - weights: the `BertModel` tensors; they are copied, so the file may be closed afterwards.
    /// - Throws: `TextEmbeddingError.missingTensor` / `.shapeMismatch` / `.unsupportedDType` for the
    ///   weights, `.badConfiguration` when the tokenizer does not fit the model.
    public init(configuration: BertConfiguration, tokenizer: WordPieceTokenizer, weights: SafeTensors) throws {
        guard tokenizer.tokens.count <= configuration.vocabularySize else {
            throw TextEmbeddingError.badConfiguration(
                path: weights.path, field: "vocab_size",
                reason: "is \(configuration.vocabularySize) but the vocabulary has \(tokenizer.tokens.count) tokens")
        }
        guard tokenizer.maxLength <= configuration.maxPositions else {
            throw TextEmbeddingError.badConfiguration(
                path: weights.path, field: "max_position_embeddings",
                reason: "is \(configuration.maxPositions), shorter than the tokenizer's limit of \(tokenizer.maxLength)")
        }
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.weights = try EncoderWeights(weights, configuration: configuration)
    }

    /// The embeddings of `texts`, one unit-length row of ``dimension`` floats per text, row-major.
    /// - Complexity: O(Σ (L·l·h² + L²·h)) for L tokens per text, l layers, width h; parallel over batches.
    public func encode(_ texts: [String], options: Options = Options()) -> [Float] {
        encodeChecked(tokenize(texts, threads: options.threads), options: options)
    }

    /// The embedding of one text (``dimension`` floats of unit length).
    public func encode(_ text: String) -> [Float] {
        encode([text], options: Options(threads: 1))
    }

    /// The embeddings of already tokenised texts (each `[CLS] … [SEP]`, as ``WordPieceTokenizer/encode(_:)``
    /// makes them), one row per sequence.
    /// - Throws: `TextEmbeddingError.invalidArgument` for an empty sequence, one longer than the
    ///   position table, or an id outside the vocabulary.
    public func encode(tokenIds: [[Int32]], options: Options = Options()) throws -> [Float] {
        for (i, ids) in tokenIds.enumerated() {
            guard !ids.isEmpty, ids.count <= configuration.maxPositions else {
                throw TextEmbeddingError.invalidArgument(
                    name: "tokenIds[\(i)]", reason: "has \(ids.count) tokens; expected 1...\(configuration.maxPositions)")
            }
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= configuration.vocabularySize }) {
                throw TextEmbeddingError.invalidArgument(
                    name: "tokenIds[\(i)]", reason: "id \(bad) is outside 0..<\(configuration.vocabularySize)")
            }
        }
        return encodeChecked(tokenIds, options: options)
    }

    /// The ids of every text, tokenised on `threads` workers.
    public func tokenize(_ texts: [String], threads: Int = Threads.count) -> [[Int32]] {
        var result = [[Int32]](repeating: [], count: texts.count)
        result.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendable(buffer)
            let tokenizer = self.tokenizer
            parallelFor(texts.count, threads: threads, grain: 64) { range, _ in
                for i in range { out.value[i] = tokenizer.encode(texts[i]) }
            }
        }
        return result
    }

    /// sentence-transformers' pooling settings, when the folder has them, must be mean pooling.
    private static func checkPooling(_ directory: URL) throws {
        let url = directory.appendingPathComponent("1_Pooling").appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let json = try ModelFiles.readJSONObject(url)
        guard json["pooling_mode_mean_tokens"] as? Bool ?? true else {
            throw TextEmbeddingError.badConfiguration(path: url.path, field: "pooling_mode_mean_tokens",
                                                      reason: "is false; only mean pooling is supported")
        }
        for other in ["pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens"]
        where json[other] as? Bool == true {
            throw TextEmbeddingError.badConfiguration(path: url.path, field: other, reason: "is true; only mean pooling is supported")
        }
    }
}
