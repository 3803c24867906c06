import Dataset
import Foundation
import Retrieval
import Support

/// How well a model's fold-in serves someone new: every test user is served twice by the same pipeline,
/// once as the trained user and once as a stranger who names the movies that user liked in training
/// (`recommend(likedItems:excluding:)`, the rest of the user's training ratings excluded as seen, as
/// they are for the trained user), and both lists are scored against the user's held-out positives with
/// the full-ranking protocol's `UserMetrics`.
public struct FoldInEvaluation: Sendable {
    /// What the two passes gave.
    public struct Result: Sendable, Equatable, Encodable {
        /// The model served (`als`, `gmf`, `neumf`).
        public var model: String
        /// Mean NDCG@K of the trained users' lists.
        public var ndcgTrained: Double
        /// Mean NDCG@K of the same users folded in from their training likes.
        public var ndcgFolded: Double
        /// Mean Recall@K of the trained users' lists.
        public var recallTrained: Double
        /// Mean Recall@K of the folded-in lists.
        public var recallFolded: Double
        /// Mean wall time of one fold-in `recommend` call, in milliseconds.
        public var foldedMeanMs: Double
        /// Users served (with a positive in both test and training).
        public var users: Int

        enum CodingKeys: String, CodingKey {
            case model, users
            case ndcgTrained = "ndcg_trained", ndcgFolded = "ndcg_folded", recallTrained = "recall_trained"
            case recallFolded = "recall_folded", foldedMeanMs = "folded_mean_ms"
        }
    }

    /// Cut-off of NDCG and Recall.
    public var k: Int
    /// Serve at most this many test users, evenly spaced (nil: all).
    public var maxUsers: Int?
    /// An evaluation at cut-off `k` over at most `maxUsers` users.
    public init(k: Int = 10, maxUsers: Int? = nil) {
        self.k = k
        self.maxUsers = maxUsers
    }

    /// Serves every test user who has training likes twice, trained and folded in, and scores both lists.
    /// - Parameters:
    ///   - pipeline: trained on the train part (its `training`).
    ///   - test: held-out positives, with the same id maps.
    ///   - progress: advanced by each user served (its total is set here), finished at the end.
    /// - Throws: what the pipeline throws (e.g. a model without fold-in).
    public func evaluate(_ pipeline: RecommendationPipeline, test: Interactions, progress: ProgressReporter? = nil) throws -> Result {
        precondition(test.users == pipeline.training.users && test.items == pipeline.training.items, "train and test must share id maps")
        let relevant = test.positives()
        var users = (0..<relevant.rows).filter { relevant.count(ofRow: $0) > 0 && !pipeline.likedItems(ofUser: $0).isEmpty }
        if let maxUsers, users.count > maxUsers {
            let all = users
            users = (0..<maxUsers).map { all[$0 * all.count / maxUsers] }
        }
        progress?.total = users.count
        defer { progress?.finish() }
        var trained: [UserMetrics] = [], folded: [UserMetrics] = []
        var seconds = 0.0
        for u in users {
            let truth = relevant.columns(ofRow: u)
            trained.append(UserMetrics(recommended: try pipeline.recommend(user: u, k: k).map { Int32($0.item) }, relevant: truth, k: k))
            let start = DispatchTime.now().uptimeNanoseconds
            let seen = pipeline.training.byUser.columns(ofRow: u).map { Int($0) }
            let list = try pipeline.recommend(likedItems: pipeline.likedItems(ofUser: u), excluding: seen, k: k)
            seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            folded.append(UserMetrics(recommended: list.map { Int32($0.item) }, relevant: truth, k: k))
            progress?.advance()
        }
        let itemCount = pipeline.training.itemCount
        let a = RankingMetrics(averaging: trained, skipped: 0, distinctItems: 0, itemCount: itemCount)
        let b = RankingMetrics(averaging: folded, skipped: 0, distinctItems: 0, itemCount: itemCount)
        return Result(model: pipeline.model.name, ndcgTrained: a.ndcg, ndcgFolded: b.ndcg, recallTrained: a.recall,
                      recallFolded: b.recall, foldedMeanMs: users.isEmpty ? 0 : seconds * 1000 / Double(users.count),
                      users: users.count)
    }
}
