import Foundation

/// The ranking metrics of one user's top-K list, and their definitions — the one place Marquee defines
/// them.
///
/// For a list `rec` of at most `K` recommended items (best first; it may be shorter than K when fewer items
/// are left) and the set `rel` of the user's relevant (held-out positive) items, with `hit(r)` = 1 when the
/// item at 1-based rank `r` is relevant:
/// - **Precision@K** = hits / K (K, not the list length: a short list is not rewarded).
/// - **Recall@K** = hits / |rel| (over *all* of the user's relevant items).
/// - **NDCG@K** = DCG / IDCG with binary gain and a 1/log2(r + 1) discount:
///   DCG = Σ hit(r) / log2(r + 1), IDCG = Σ_{r=1}^{min(|rel|, K)} 1 / log2(r + 1).
/// - **HitRate@K** = 1 when hits > 0, else 0.
/// - **MAP@K** (average precision) = Σ_r hit(r) · (hits in the first r) / r, divided by min(|rel|, K).
/// - **MRR@K** = 1 / (rank of the first hit), 0 when none is in the list.
///
/// Catalog coverage@K is a property of all users' lists together (see `RankingMetrics.coverage`).
public struct UserMetrics: Sendable, Equatable {
    /// Precision@K = hits / K, in [0, 1].
    public var precision: Double
    /// Recall@K = hits / |rel|, in [0, 1].
    public var recall: Double
    /// NDCG@K = DCG / IDCG with binary gain, in [0, 1].
    public var ndcg: Double
    /// 1 when at least one relevant item is in the list, else 0.
    public var hitRate: Double
    /// Average precision at K (the user's term of MAP@K), in [0, 1].
    public var averagePrecision: Double
    /// 1 / rank of the first hit, 0 without a hit (the user's term of MRR@K).
    public var reciprocalRank: Double

    /// Metrics given directly (tests and decoded reports); ``init(recommended:relevant:k:)`` computes them.
    public init(precision: Double, recall: Double, ndcg: Double, hitRate: Double, averagePrecision: Double, reciprocalRank: Double) {
        self.precision = precision
        self.recall = recall
        self.ndcg = ndcg
        self.hitRate = hitRate
        self.averagePrecision = averagePrecision
        self.reciprocalRank = reciprocalRank
    }

    /// The metrics of `recommended` (best first, at most `k` are read) against `relevant`.
    ///
    /// - Parameters:
    ///   - recommended: item indices, best first; only the first `k` count.
    ///   - relevant: the user's relevant items, sorted ascending and unique (a CSR row); must not be empty.
    ///   - k: the cut-off K (≥ 1).
    /// - Complexity: O(K · log |relevant|).
    public init<C: Collection, R: RandomAccessCollection>(recommended: C, relevant: R, k: Int)
    where C.Element == Int32, R.Element == Int32, R.Index == Int {
        precondition(k >= 1 && !relevant.isEmpty)
        var hits = 0
        var dcg = 0.0, precisionSum = 0.0, firstHit = 0
        var rank = 0
        for item in recommended.prefix(k) {
            rank += 1
            guard Self.contains(relevant, item) else { continue }
            hits += 1
            dcg += 1 / log2(Double(rank + 1))
            precisionSum += Double(hits) / Double(rank)
            if firstHit == 0 { firstHit = rank }
        }
        let ideal = min(relevant.count, k)
        precision = Double(hits) / Double(k)
        recall = Double(hits) / Double(relevant.count)
        ndcg = dcg / Self.idealDCG(ideal)
        hitRate = hits > 0 ? 1 : 0
        averagePrecision = precisionSum / Double(ideal)
        reciprocalRank = firstHit > 0 ? 1 / Double(firstHit) : 0
    }

    /// IDCG of `n` relevant items at the top: Σ_{r=1}^{n} 1/log2(r + 1).
    public static func idealDCG(_ n: Int) -> Double {
        var sum = 0.0
        for r in stride(from: 1, through: n, by: 1) { sum += 1 / log2(Double(r + 1)) }
        return sum
    }

    /// Binary search in a sorted row.
    @inline(__always)
    static func contains<R: RandomAccessCollection>(_ sorted: R, _ item: Int32) -> Bool where R.Element == Int32, R.Index == Int {
        var lo = sorted.startIndex, hi = sorted.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < item { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.endIndex && sorted[lo] == item
    }
}

/// The averages of the ranking metrics over the evaluated users, catalog coverage, and (from the
/// full-ranking protocol) the beyond-accuracy metrics.
///
/// Encoded as one flat object: the ranking metrics, then `arp`, `gini`, `tail_share`, `novelty`,
/// `diversity`, `head_items` and `users_measured` when `beyondAccuracy` is set.
public struct RankingMetrics: Sendable, Equatable, Codable {
    /// Mean Precision@K over the evaluated users.
    public var precision = 0.0
    /// Mean Recall@K.
    public var recall = 0.0
    /// Mean NDCG@K.
    public var ndcg = 0.0
    /// HR@K: the share of users with at least one hit in their top K.
    public var hitRate = 0.0
    /// MAP@K: the mean of the users' average precision.
    public var map = 0.0
    /// MRR@K: the mean reciprocal rank of the first hit.
    public var mrr = 0.0
    /// Catalog coverage@K: distinct items in all users' top-K lists / number of items.
    public var coverage = 0.0
    /// Users with at least one relevant test item (the averages are over these).
    public var usersEvaluated = 0
    /// Users with no relevant test item (skipped).
    public var usersSkipped = 0
    /// ARP, Gini, tail share, novelty and diversity of the same lists (see `BeyondAccuracyMetrics`); nil
    /// where a protocol does not measure them.
    public var beyondAccuracy: BeyondAccuracyMetrics? = nil

    /// All zeros, no users.
    public init() {}

    /// What makes these figures degenerate, for a front end to print (empty when they are sound).
    public var warnings: [String] {
        usersEvaluated == 0 ? ["no test user has a relevant held-out movie: every metric is undefined (reported as 0)"] : []
    }

    enum CodingKeys: String, CodingKey {
        case precision, recall, ndcg, hitRate = "hit_rate", map, mrr, coverage
        case usersEvaluated = "users_evaluated", usersSkipped = "users_skipped"
    }

    /// Decodes the flat object ``encode(to:)`` writes; `beyondAccuracy` is read when `arp` is present.
    /// - Throws: `DecodingError` when a ranking key is missing or has the wrong type.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        precision = try c.decode(Double.self, forKey: .precision)
        recall = try c.decode(Double.self, forKey: .recall)
        ndcg = try c.decode(Double.self, forKey: .ndcg)
        hitRate = try c.decode(Double.self, forKey: .hitRate)
        map = try c.decode(Double.self, forKey: .map)
        mrr = try c.decode(Double.self, forKey: .mrr)
        coverage = try c.decode(Double.self, forKey: .coverage)
        usersEvaluated = try c.decode(Int.self, forKey: .usersEvaluated)
        usersSkipped = try c.decode(Int.self, forKey: .usersSkipped)
        let beyond = try decoder.container(keyedBy: BeyondAccuracyMetrics.CodingKeys.self)
        beyondAccuracy = beyond.contains(.arp) ? try BeyondAccuracyMetrics(from: decoder) : nil
    }

    /// Encodes one flat object: the ranking metrics under snake_case keys (`hit_rate`, `users_evaluated`,
    /// …), then the beyond-accuracy keys beside them when measured.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(ndcg, forKey: .ndcg)
        try c.encode(hitRate, forKey: .hitRate)
        try c.encode(map, forKey: .map)
        try c.encode(mrr, forKey: .mrr)
        try c.encode(coverage, forKey: .coverage)
        try c.encode(usersEvaluated, forKey: .usersEvaluated)
        try c.encode(usersSkipped, forKey: .usersSkipped)
        try beyondAccuracy?.encode(to: encoder)     // the same object: the keys sit beside ndcg
    }

    /// Averages per-user metrics (in order, in Double) and sets coverage from the distinct recommended
    /// items.
    /// - Parameters:
    ///   - users: the metrics of every evaluated user.
    ///   - skipped: users without relevant test items.
    ///   - distinctItems: number of distinct items recommended over all users.
    ///   - itemCount: catalogue size of the model.
    public init(averaging users: [UserMetrics], skipped: Int, distinctItems: Int, itemCount: Int) {
        usersEvaluated = users.count
        usersSkipped = skipped
        coverage = itemCount > 0 ? Double(distinctItems) / Double(itemCount) : 0
        guard !users.isEmpty else { return }
        for m in users {
            precision += m.precision
            recall += m.recall
            ndcg += m.ndcg
            hitRate += m.hitRate
            map += m.averagePrecision
            mrr += m.reciprocalRank
        }
        let n = Double(users.count)
        precision /= n; recall /= n; ndcg /= n; hitRate /= n; map /= n; mrr /= n
    }
}
