import Dataset
import Foundation
import Retrieval
import Support

/// One row of the ANN-loss table: the same users served by the pipeline with exact and with HNSW
/// candidates at one `ef`.
public struct RetrievalLossRow: Sendable, Equatable, Encodable {
    /// The model whose vectors were searched (`als`, `gmf`, `neumf`).
    public var model: String
    /// HNSW search width asked for (nil for an exact-only row). The search uses max(ef, candidates).
    public var ef: Int?
    /// N: candidates asked of the first stage.
    public var candidates: Int
    /// Mean NDCG@K with exact candidates.
    public var ndcgExact: Double
    /// Mean NDCG@K with HNSW candidates at this `ef` (nil for an exact-only row).
    public var ndcgHNSW: Double?
    /// Mean Recall@K with exact candidates.
    public var recallExact: Double
    /// Mean Recall@K with HNSW candidates (nil for an exact-only row).
    public var recallHNSW: Double?
    /// 1 − NDCG(hnsw) / NDCG(exact): the relative ranking quality the approximate index gives away.
    public var ndcgLoss: Double?
    /// |HNSW candidates ∩ exact candidates| / |exact candidates|, averaged over users (recall@N of the
    /// candidate sets, N = `retrieval.candidates`).
    public var neighborRecall: Double?
    /// Mean and 99th-percentile wall time of one `recommend` call with HNSW candidates (exact for an
    /// exact-only row), in milliseconds.
    public var meanMs: Double
    /// The 99th percentile (nearest rank) of the same calls, in milliseconds.
    public var p99Ms: Double
    /// Mean wall time of one `recommend` call with exact candidates, in milliseconds.
    public var exactMeanMs: Double
    /// The 99th percentile of the same, in milliseconds.
    public var exactP99Ms: Double
    /// Users scored (those with a positive in test).
    public var users: Int

    enum CodingKeys: String, CodingKey {
        case model, ef, candidates, users
        case ndcgExact = "ndcg_exact", ndcgHNSW = "ndcg_hnsw", recallExact = "recall_exact", recallHNSW = "recall_hnsw"
        case ndcgLoss = "ndcg_loss", neighborRecall = "neighbor_recall", meanMs = "mean_ms", p99Ms = "p99_ms"
        case exactMeanMs = "exact_mean_ms", exactP99Ms = "exact_p99_ms"
    }
}

/// How much ranking quality approximate candidate retrieval gives away against exact retrieval, and at
/// what speed: every test user is served by the whole pipeline (candidates → re-rank → popularity fill)
/// once with exact candidates and once per `ef` with HNSW candidates; the lists are scored with the same
/// `UserMetrics` as the full-ranking protocol.
public struct RetrievalLossEvaluation: Sendable {
    /// Cut-off of NDCG and Recall.
    public var k: Int
    /// Serve at most this many test users, evenly spaced (nil: all).
    public var maxUsers: Int?
    /// An evaluation at cut-off `k` over at most `maxUsers` users.
    public init(k: Int = 10, maxUsers: Int? = nil) {
        self.k = k
        self.maxUsers = maxUsers
    }

    /// What one pass over the users gave.
    struct Pass {
        var metrics: RankingMetrics
        var candidates: [[Int]]
        var milliseconds: [Double]
    }

    /// Serves every user with a positive in `test` through `pipeline` (one thread, timed per call).
    func pass(_ pipeline: RecommendationPipeline, users: [Int], relevant: CSRMatrix, collectCandidates: Bool,
              progress: ProgressReporter?) throws -> Pass {
        var perUser: [UserMetrics] = []
        var times: [Double] = []
        var candidates: [[Int]] = []
        var recommended = Set<Int>()
        for u in users {
            let start = DispatchTime.now().uptimeNanoseconds
            let list = try pipeline.recommend(user: u, k: k)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            for r in list { recommended.insert(r.item) }
            perUser.append(UserMetrics(recommended: list.map { Int32($0.item) }, relevant: relevant.columns(ofRow: u), k: k))
            if collectCandidates { candidates.append(pipeline.candidates(user: u).map(\.item)) }
            progress?.advance()
        }
        let metrics = RankingMetrics(averaging: perUser, skipped: 0, distinctItems: recommended.count,
                                     itemCount: pipeline.training.itemCount)
        return Pass(metrics: metrics, candidates: candidates, milliseconds: times)
    }

    /// Serves the same test users through the exact pipeline, then through the HNSW pipeline at each `ef`,
    /// on one thread with each call timed.
    /// - Parameters:
    ///   - exact: the pipeline with exact candidates (its `training` is the train part).
    ///   - hnsw: the pipeline with HNSW candidates at a given `ef`, one per entry of `efValues`.
    ///   - efValues: search widths to sweep (empty: an exact-only row).
    ///   - test: held-out positives, with the same id maps as the pipeline's training data.
    ///   - progress: advanced by each user served, exact and per `ef` (its total is set here), finished at the end.
    /// - Returns: one row per `ef` (or one exact-only row).
    /// - Throws: what the pipeline throws (it does not for users of its training data).
    public func evaluate(exact: RecommendationPipeline, hnsw: (Int) -> RecommendationPipeline, efValues: [Int],
                         test: Interactions, progress: ProgressReporter? = nil) throws -> [RetrievalLossRow] {
        precondition(test.users == exact.training.users && test.items == exact.training.items, "train and test must share id maps")
        let relevant = test.positives()
        var users = (0..<relevant.rows).filter { relevant.count(ofRow: $0) > 0 }
        if let maxUsers, users.count > maxUsers {
            let all = users
            users = (0..<maxUsers).map { all[$0 * all.count / maxUsers] }
        }
        progress?.total = users.count * (1 + efValues.count)
        defer { progress?.finish() }
        let reference = try pass(exact, users: users, relevant: relevant, collectCandidates: !efValues.isEmpty, progress: progress)
        let exactMean = Self.mean(reference.milliseconds), exactP99 = Self.percentile(reference.milliseconds, 0.99)
        guard !efValues.isEmpty else {
            return [RetrievalLossRow(model: exact.model.name, ef: nil, candidates: exact.options.candidates, ndcgExact: reference.metrics.ndcg, ndcgHNSW: nil,
                                     recallExact: reference.metrics.recall, recallHNSW: nil, ndcgLoss: nil, neighborRecall: nil,
                                     meanMs: exactMean, p99Ms: exactP99, exactMeanMs: exactMean, exactP99Ms: exactP99, users: users.count)]
        }
        return try efValues.map { ef in
            let approximate = try pass(hnsw(ef), users: users, relevant: relevant, collectCandidates: true, progress: progress)
            var overlap = 0.0
            for (a, b) in zip(reference.candidates, approximate.candidates) {
                overlap += a.isEmpty ? 1 : Double(Set(a).intersection(b).count) / Double(a.count)
            }
            let ndcgExact = reference.metrics.ndcg, ndcgHNSW = approximate.metrics.ndcg
            return RetrievalLossRow(
                model: exact.model.name, ef: ef, candidates: exact.options.candidates, ndcgExact: ndcgExact, ndcgHNSW: ndcgHNSW,
                recallExact: reference.metrics.recall, recallHNSW: approximate.metrics.recall,
                ndcgLoss: ndcgExact > 0 ? 1 - ndcgHNSW / ndcgExact : 0,
                neighborRecall: users.isEmpty ? 1 : overlap / Double(users.count),
                meanMs: Self.mean(approximate.milliseconds), p99Ms: Self.percentile(approximate.milliseconds, 0.99),
                exactMeanMs: exactMean, exactP99Ms: exactP99, users: users.count)
        }
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    /// The nearest-rank percentile `q` (0…1) of `values`.
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
