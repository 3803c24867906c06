import Dataset
import LinearAlgebra
import Models

/// The two-stage recommender: user vector → nearest-neighbour candidates by inner product (seen items
/// excluded inside the search) → re-rank → popularity fill → top K, with where each item came from and,
/// for ALS, the liked items that explain it.
///
/// Users and items are dense indices of `training` (map them with `training.users` / `training.items`).
/// The pipeline is an immutable value: any number of threads may call `recommend` at once.
public struct RecommendationPipeline: Sendable {
    /// The vectors and models.
    public let model: RetrievalModel
    /// The first stage (exact or HNSW).
    public var retriever: any CandidateRetriever { retrieverStorage }
    private var retrieverStorage: any CandidateRetriever
    /// The interactions the model was trained on: who has seen what.
    public let training: Interactions
    /// Positives per item in `training` (the popularity fill and the blend).
    public let popularity: Popularity
    /// The knobs.
    public let options: RetrievalOptions
    /// Items by descending popularity.
    private let popularityRanking: [Int32]
    /// Positives per user.
    private let positiveCounts: [Int]

    /// A pipeline over a model, a first stage and the interactions the model was trained on.
    /// - Parameters:
    ///   - model: the vectors searched and the models behind them (fold-in, explanations, re-ranking).
    ///   - retriever: the first stage; it must search vectors of `model.factors` floats.
    ///   - training: the model's training interactions (seen items, positives, the popularity fill).
    ///   - popularity: positives per item; counted from `training` when nil.
    ///   - options: candidates, search width, re-ranker, cold-start rule, explanations.
    /// - Throws: `RetrievalError` when the model, index and data do not fit together or an option is invalid.
    /// - Complexity: O(ratings + items · log items) to count positives and rank items by popularity.
    public init(model: RetrievalModel, retriever: any CandidateRetriever, training: Interactions,
                popularity: Popularity? = nil, options: RetrievalOptions = RetrievalOptions()) throws {
        guard model.itemCount == training.itemCount else {
            throw RetrievalError.mismatchedItems(model: model.name, modelItems: model.itemCount, dataItems: training.itemCount)
        }
        if let als = model.als, als.itemIds != training.items.externalIds {
            throw RetrievalError.mismatchedItems(model: model.name, modelItems: model.itemCount, dataItems: training.itemCount)
        }
        guard retriever.dimension == model.factors else {
            throw RetrievalError.mismatchedIndex(indexDimension: retriever.dimension, factors: model.factors)
        }
        try retriever.validate()
        guard options.candidates >= 1 else { throw RetrievalError.badOption("retrieval candidates must be ≥ 1, got \(options.candidates)") }
        guard options.ef >= 1 else { throw RetrievalError.badOption("retrieval ef must be ≥ 1, got \(options.ef)") }
        guard (0...1).contains(options.popularityWeight) else {
            throw RetrievalError.badOption("retrieval popularity_weight must be in [0, 1], got \(options.popularityWeight)")
        }
        guard options.minInteractions >= 0, options.explain >= 0 else {
            throw RetrievalError.badOption("retrieval min_interactions and explain must be ≥ 0")
        }
        if options.scorer == .neumf && model.neuralCF?.architecture.kind != .neumf {
            throw RetrievalError.rerankerUnavailable(.neumf)
        }
        self.model = model
        retrieverStorage = retriever
        self.training = training
        let popularity = popularity ?? Popularity(training: training)
        self.popularity = popularity
        self.options = options
        popularityRanking = popularity.ranking().map { Int32($0) }
        let byUser = training.byUser
        let t = training.threshold
        positiveCounts = (0..<byUser.rows).map { u in byUser.range(ofRow: u).reduce(0) { $0 + (byUser.values[$1] >= t ? 1 : 0) } }
    }

    /// The same pipeline with another first stage (e.g. the HNSW stage at another `ef`, or the exact scan).
    /// - Precondition: `retriever` searches vectors of the model's length.
    public func replacing(retriever: any CandidateRetriever) -> RecommendationPipeline {
        precondition(retriever.dimension == model.factors, "retriever has \(retriever.dimension) dimensions, the model \(model.factors)")
        var copy = self
        copy.retrieverStorage = retriever
        return copy
    }

    /// The same pipeline with other options (checked as in `init`).
    /// - Throws: `RetrievalError.badOption`.
    public func replacing(options: RetrievalOptions) throws -> RecommendationPipeline {
        try RecommendationPipeline(model: model, retriever: retriever, training: training, popularity: popularity, options: options)
    }

    /// The top `k` items for dense training user `user`, never one the user rated in training.
    ///
    /// A user with fewer than `options.minInteractions` positives gets the popularity fill alone. Otherwise
    /// `max(options.candidates, k)` candidates are retrieved, re-ranked with `options.scorer`, cut to `k`,
    /// explained (ALS) and topped up with popular unseen items when fewer than `k` remain.
    /// - Throws: `RetrievalError.unknownUser`.
    public func recommend(user: Int, k: Int) throws -> [Recommendation] {
        guard user >= 0 && user < training.userCount && user < model.userCount else {
            throw RetrievalError.unknownUser(user, userCount: min(training.userCount, model.userCount))
        }
        let seen = training.byUser.columns(ofRow: user).map { Int($0) }
        if positiveCounts[user] < options.minInteractions {
            return fill([], seen: seen, k: k)
        }
        let liked = likedItems(ofUser: user)
        return rank(query: model.userVector(user), user: user, liked: liked, seen: seen, k: k)
    }

    /// The top `k` items for someone the model never saw, who likes `likedItems` (dense indices): the
    /// model's fold-in of those items as the user (ALS: the closed-form solve; GMF / NeuMF: embedding rows
    /// learned with the trained weights frozen, which NeuMF then also re-ranks with). Neither the liked
    /// items nor `seen` (movies watched but not liked, say) are recommended.
    /// - Throws: `RetrievalError.foldInUnsupported` for a model with neither, `.itemOutOfRange`.
    public func recommend(likedItems: [Int], excluding seen: [Int] = [], k: Int) throws -> [Recommendation] {
        for item in likedItems + seen where item < 0 || item >= model.itemCount {
            throw RetrievalError.itemOutOfRange(item, itemCount: model.itemCount)
        }
        let liked = Array(Set(likedItems)).sorted()
        let excluded = Array(Set(liked + seen)).sorted()
        if liked.count < max(1, options.minInteractions) { return fill([], seen: excluded, k: k) }
        if let als = model.als {
            return rank(query: try als.foldIn(items: liked), user: nil, liked: liked, seen: excluded, k: k)
        }
        guard let ncf = model.neuralCF else { throw RetrievalError.foldInUnsupported(model: model.name) }
        let folded = try ncf.foldIn(likedItems: liked)
        return rank(query: ncf.retrievalQuery(folded: folded), user: nil, folded: folded, liked: liked, seen: excluded, k: k)
    }

    /// The first stage alone for a training user: up to `options.candidates` unseen items by inner
    /// product (what the evaluation compares between exact and approximate retrieval).
    public func candidates(user: Int) -> [ScoredCandidate] {
        let seen = training.byUser.columns(ofRow: user).map { Int($0) }
        return retriever.candidates(for: model.userVector(user), count: options.candidates, excluding: seen)
    }

    /// The user's positives in training (dense items).
    public func likedItems(ofUser user: Int) -> [Int] {
        let byUser = training.byUser
        return byUser.range(ofRow: user).compactMap { p in byUser.values[p] >= training.threshold ? Int(byUser.columnIndex[p]) : nil }
    }

    /// Candidates → re-rank → fill → explanations.
    /// - Parameter folded: a folded-in NCF user, who has no row in the model (`user` is nil then).
    private func rank(query: [Float], user: Int?, folded: NeuralCF.FoldedUser? = nil, liked: [Int], seen: [Int],
                      k: Int) -> [Recommendation] {
        guard k > 0 else { return [] }
        let found = retriever.candidates(for: query, count: max(options.candidates, k), excluding: seen)
        var ranked = rerank(found, user: user, folded: folded)
        if ranked.count > k { ranked.removeSubrange(k...) }
        ranked = explain(ranked, liked: liked)
        return fill(ranked, seen: seen, k: k)
    }

    /// Scores candidates with the configured scorer, best first.
    private func rerank(_ found: [ScoredCandidate], user: Int?, folded: NeuralCF.FoldedUser?) -> [Recommendation] {
        guard !found.isEmpty else { return [] }
        var scored: [(item: Int, score: Float)]
        let source: RecommendationSource
        switch options.scorer {
        case .dot:
            return found.map { Recommendation(item: $0.item, score: $0.score, source: .ann) }
        case .neumf:
            let items = found.map { Int32($0.item) }
            let logits: [Float]
            if let ncf = model.neuralCF, let user {
                logits = ncf.scores(users: [Int32](repeating: Int32(user), count: found.count), items: items)
            } else if let ncf = model.neuralCF, let folded {
                logits = ncf.scores(folded: folded, items: items)
            } else {
                // An ALS fold-in has no NeuMF embedding: keep the inner-product order.
                return found.map { Recommendation(item: $0.item, score: $0.score, source: .ann) }
            }
            scored = zip(found, logits).map { (item: $0.0.item, score: $0.1) }
            source = .rerank
        case .blend:
            let w = options.popularityWeight
            let maxScore = max(found.map { abs($0.score) }.max() ?? 1, .leastNormalMagnitude)
            let maxCount = max(found.map { popularity.counts[$0.item] }.max() ?? 1, 1)
            scored = found.map { c in
                (item: c.item, score: (1 - w) * c.score / maxScore + w * popularity.counts[c.item] / maxCount)
            }
            source = .rerank
        }
        scored.sort { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
        return scored.map { Recommendation(item: $0.item, score: $0.score, source: source) }
    }

    /// Adds the top `options.explain` liked items by contribution (ALS only).
    private func explain(_ ranked: [Recommendation], liked: [Int]) -> [Recommendation] {
        guard options.explain > 0, let als = model.als, !liked.isEmpty else { return ranked }
        return ranked.map { r in
            guard let explanation = try? als.explain(item: r.item, likedItems: liked) else { return r }
            let because = explanation.contributions.filter { $0.contribution > 0 }.prefix(options.explain).map(\.item)
            return Recommendation(item: r.item, score: r.score, source: r.source, because: Array(because))
        }
    }

    /// Fills up to `k` with the most popular items neither seen nor already chosen.
    private func fill(_ ranked: [Recommendation], seen: [Int], k: Int) -> [Recommendation] {
        guard ranked.count < k else { return ranked }
        var taken = Set(seen)
        for r in ranked { taken.insert(r.item) }
        var result = ranked
        for item in popularityRanking where result.count < k {
            let i = Int(item)
            if taken.insert(i).inserted {
                result.append(Recommendation(item: i, score: popularity.counts[i], source: .popularity))
            }
        }
        return result
    }
}
