/// How candidates are re-ranked after the ANN stage.
public enum RerankScorer: String, Codable, Sendable, CaseIterable {
    /// Keep the inner product the candidates were retrieved by (the exact dot product of user and item
    /// vectors); items keep source `ann`.
    case dot
    /// Score each candidate with the full NeuMF network (GMF + MLP); items get source `rerank`.
    case neumf
    /// (1 − w)·s/max|s| + w·pop/max pop over the candidates, w = `popularityWeight`; source `rerank`.
    case blend
}

/// Where a recommended item came from.
public enum RecommendationSource: String, Codable, Sendable {
    /// Straight from the nearest-neighbour stage, ranked by the inner product.
    case ann
    /// A candidate of the nearest-neighbour stage, re-scored by the re-ranker.
    case rerank
    /// Filled in by popularity (cold-start users, or too few candidates).
    case popularity
}

/// The knobs of the two-stage pipeline (config `retrieval:`).
public struct RetrievalOptions: Sendable, Equatable {
    /// N: candidates asked of the nearest-neighbour stage (at least K are asked).
    public var candidates: Int
    /// Search width of the HNSW stage (at least `candidates` is used).
    public var ef: Int
    /// The re-ranker.
    public var scorer: RerankScorer
    /// w of the `blend` scorer, in [0, 1].
    public var popularityWeight: Float
    /// Users with fewer positives than this get popularity only (cold start).
    public var minInteractions: Int
    /// How many liked movies explain each ALS recommendation (0: no explanations).
    public var explain: Int

    /// The defaults match `config.yaml`'s `retrieval:` section; the pipeline range-checks the values.
    public init(candidates: Int = 100, ef: Int = 100, scorer: RerankScorer = .dot, popularityWeight: Float = 0.1,
                minInteractions: Int = 1, explain: Int = 3) {
        self.candidates = candidates
        self.ef = ef
        self.scorer = scorer
        self.popularityWeight = popularityWeight
        self.minInteractions = minInteractions
        self.explain = explain
    }
}

/// One recommended item.
public struct Recommendation: Sendable, Equatable {
    /// Dense item index (map it to the dataset's movie id with the pipeline's `items` IdMap).
    public let item: Int
    /// The score it was ranked by (higher is better; its scale depends on the source).
    public let score: Float
    /// Which stage put it there.
    public let source: RecommendationSource
    /// Dense indices of the liked items that contributed most to it (ALS only; largest first).
    public let because: [Int]

    /// A recommendation (`because` empty unless ALS explains it).
    public init(item: Int, score: Float, source: RecommendationSource, because: [Int] = []) {
        self.item = item
        self.score = score
        self.source = source
        self.because = because
    }
}

/// What can go wrong in the retrieval pipeline.
public enum RetrievalError: Error, CustomStringConvertible, Equatable {
    /// A dense user index outside the users the model and the training data share.
    case unknownUser(Int, userCount: Int)
    /// A dense item index outside `0..<itemCount`.
    case itemOutOfRange(Int, itemCount: Int)
    /// The model was trained on a different item set (count or ids) than the interactions given.
    case mismatchedItems(model: String, modelItems: Int, dataItems: Int)
    /// The first stage searches vectors of another length than the model's factors.
    case mismatchedIndex(indexDimension: Int, factors: Int)
    /// The index's ids are row numbers of an embedding file, not the dataset's movie ids.
    case rowNumberIDs
    /// The model cannot fold in a newcomer (popularity, MLP).
    case foldInUnsupported(model: String)
    /// The re-ranker asked for needs a model the pipeline lacks (`neumf` without a NeuMF model).
    case rerankerUnavailable(RerankScorer)
    /// An option is out of range; the text names the `retrieval:` key and the value.
    case badOption(String)

    /// A sentence naming what is wrong and how to fix it.
    public var description: String {
        switch self {
        case let .unknownUser(user, count): return "user index \(user) is not one of the model's \(count) users"
        case let .itemOutOfRange(item, count): return "item index \(item) is outside 0..<\(count)"
        case let .mismatchedItems(model, modelItems, dataItems):
            return "the \(model) model was trained on other movies than the data (\(modelItems) vs \(dataItems) movies, or other ids); retrain it on this dataset"
        case let .mismatchedIndex(dimension, factors):
            return "the index holds \(dimension)-dimensional vectors but the model has \(factors) factors; rebuild the index"
        case .rowNumberIDs:
            return "the index was built from an embedding file without ids; its ids are row numbers, not movie ids; "
                + "rebuild it with build-index --embeddings FILE --ids IDS.npy, or from a model (--model)"
        case let .foldInUnsupported(model): return "the \(model) model cannot fold in a new user from liked movies (use als, gmf or neumf)"
        case let .rerankerUnavailable(scorer): return "re-ranker '\(scorer.rawValue)' needs a NeuMF model, and none was given"
        case let .badOption(text): return text
        }
    }
}
