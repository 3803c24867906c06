import Foundation
import Dataset
import Models
import Support

/// NDCG@K and Recall@K for every cut-off K = 1…`maxK`, from one top-`maxK` list per user: the curves
/// that show how a model's ranking quality grows with the length of the list.
///
/// Each point uses the definitions of `UserMetrics` at that K (Recall@K over all of the user's relevant
/// items; NDCG@K against the ideal DCG of min(|rel|, K) items), averaged over the same users. One pass
/// over each list: prefix sums of hits and of discounted gain.
public struct MetricCurves: Sendable, Equatable, Codable {
    /// The cut-offs 1…maxK.
    public var k: [Int]
    /// Mean NDCG@K at each cut-off.
    public var ndcg: [Double]
    /// Mean Recall@K at each cut-off.
    public var recall: [Double]
    /// Users averaged over (those with at least one relevant item).
    public var users: Int

    /// The curves of `lists` (top-`lists.k` per user) against the rows of `relevant` (sorted, unique).
    /// Users without a relevant item are left out.
    /// - Complexity: O(users · maxK · log |rel|).
    public init(lists: TopKLists, relevant: CSRMatrix) {
        let maxK = lists.k
        var ndcgSum = [Double](repeating: 0, count: maxK), recallSum = [Double](repeating: 0, count: maxK)
        var ideal = [Double](repeating: 0, count: maxK + 1)   // ideal[n] = IDCG of n items
        for n in stride(from: 1, through: maxK, by: 1) { ideal[n] = ideal[n - 1] + 1 / log2(Double(n + 1)) }
        var counted = 0
        for (position, user) in lists.users.enumerated() {
            let rel = relevant.columns(ofRow: user)
            guard !rel.isEmpty else { continue }
            counted += 1
            let list = lists.list(at: position)
            var hits = 0, dcg = 0.0
            var rank = 0
            for cut in 1...maxK {
                if rank < list.count && rank == cut - 1 {
                    let item = list[list.startIndex + rank]
                    rank += 1
                    if UserMetrics.contains(rel, item) {
                        hits += 1
                        dcg += 1 / log2(Double(rank + 1))
                    }
                }
                ndcgSum[cut - 1] += dcg / ideal[min(rel.count, cut)]
                recallSum[cut - 1] += Double(hits) / Double(rel.count)
            }
        }
        let n = Double(max(counted, 1))
        k = Array(1...maxK)
        ndcg = ndcgSum.map { $0 / n }
        recall = recallSum.map { $0 / n }
        users = counted
    }
}

extension FullRankingProtocol {
    /// NDCG@K and Recall@K for K = 1…`maxK` of `model` on the positives of `test`, never recommending an
    /// item of `train` (the lists of `recommendations(_:users:excluding:)` at K = `maxK`).
    /// - Precondition: `maxK` ≥ 1; `train` and `test` share id maps.
    /// - Complexity: O(users · items · log maxK) plus the model's scoring.
    public func curves<M: Recommender>(_ model: M, train: Interactions, test: Interactions, maxK: Int,
                                       progress: ProgressReporter? = nil) -> MetricCurves {
        precondition(maxK >= 1)
        let relevant = test.positives()
        var users: [Int] = []
        for u in 0..<relevant.rows where relevant.count(ofRow: u) > 0 { users.append(u) }
        var wide = self
        wide.k = maxK
        return MetricCurves(lists: wide.recommendations(model, users: users, excluding: train.byUser, progress: progress),
                            relevant: relevant)
    }
}
