import Dataset
import LinearAlgebra
import Models
import Support

/// Top-K lists of many users, stored flat: `k` slots per user, unused slots (lists shorter than K) are -1.
public struct TopKLists: Sendable, Equatable {
    /// Slots per user (the K the lists were cut at).
    public let k: Int
    /// The users the lists belong to (dense indices), in order.
    public let users: [Int]
    /// `users.count × k` item indices, best first per user, padded with -1.
    public let items: [Int32]

    /// The list of the `position`-th user (without padding).
    public func list(at position: Int) -> ArraySlice<Int32> {
        let row = items[(position * k)..<((position + 1) * k)]
        if let end = row.firstIndex(of: -1) { return row[row.startIndex..<end] }
        return row
    }
}

/// The full-ranking evaluation protocol: for every test user, score every item, drop the items the user
/// rated in train (positive or not: they have been seen), keep the top K, and compare them with the user's
/// held-out positives.
///
/// Users are scored in batches through `Recommender.scores(forUsers:into:)` (one matrix product per batch
/// for models with a matrix form), batches spread over the cores with per-worker score buffers. The result
/// does not depend on the number of threads.
public struct FullRankingProtocol: Sendable {
    /// The cut-off K.
    public var k: Int
    /// Users scored per `scores(forUsers:into:)` call.
    public var batchSize: Int
    /// Worker threads.
    public var threads: Int

    /// - Precondition: `k`, `batchSize` and `threads` are all ≥ 1.
    public init(k: Int = 10, batchSize: Int = 64, threads: Int = Threads.count) {
        precondition(k >= 1 && batchSize >= 1 && threads >= 1)
        self.k = k
        self.batchSize = batchSize
        self.threads = threads
    }

    /// Evaluates `model` (trained on `split.train`) against `split.test`.
    /// - Parameters:
    ///   - model: a model trained on `split.train`.
    ///   - split: the train part (seen items) and the held-out positives.
    ///   - genres: the items' genre sets, for intra-list diversity (nil: no diversity).
    ///   - progress: advanced by users scored (its total is set here).
    public func evaluate<M: Recommender>(_ model: M, split: Split, genres: ItemGenres? = nil,
                                         progress: ProgressReporter? = nil) -> RankingMetrics {
        evaluate(model, train: split.train, test: split.test, genres: genres, progress: progress)
    }

    /// Evaluates `model` against the positives of `test`, never recommending an item of `train`: the
    /// ranking metrics, coverage and the beyond-accuracy metrics of the same lists (popularity from the
    /// train positives).
    ///
    /// Users with no positive in `test` are skipped and counted in `usersSkipped`.
    /// - Parameters:
    ///   - model: a model trained on `train`.
    ///   - train: the ratings the model learnt from; every one counts as seen.
    ///   - test: the held-out ratings; its positives are the relevant items.
    ///   - genres: the items' genre sets, for intra-list diversity (nil: `diversity` stays nil).
    ///   - progress: advanced by users scored (its total is set here).
    /// - Precondition: `train` and `test` share id maps, and the model scores `train.itemCount` items.
    public func evaluate<M: Recommender>(_ model: M, train: Interactions, test: Interactions, genres: ItemGenres? = nil,
                                         progress: ProgressReporter? = nil) -> RankingMetrics {
        precondition(train.users == test.users && train.items == test.items, "train and test must share id maps")
        precondition(model.itemCount == train.itemCount, "model scores \(model.itemCount) items, data has \(train.itemCount)")
        let relevant = test.positives()
        var users: [Int] = []
        for u in 0..<relevant.rows where relevant.count(ofRow: u) > 0 { users.append(u) }
        let lists = recommendations(model, users: users, excluding: train.byUser, progress: progress)
        var perUser: [UserMetrics] = []
        perUser.reserveCapacity(users.count)
        var userLists: [ArraySlice<Int32>] = []
        userLists.reserveCapacity(users.count)
        for (position, u) in users.enumerated() {
            let list = lists.list(at: position)
            userLists.append(list)
            perUser.append(UserMetrics(recommended: list, relevant: relevant.columns(ofRow: u), k: k))
        }
        let (beyond, distinct) = BeyondAccuracy(train: train, genres: genres).measure(userLists)
        var metrics = RankingMetrics(averaging: perUser, skipped: relevant.rows - users.count, distinctItems: distinct,
                                     itemCount: model.itemCount)
        metrics.beyondAccuracy = beyond
        return metrics
    }

    /// The top-K items of each user in `users`, never one of the user's row in `seen`.
    ///
    /// Items scored -inf or NaN are never recommended, so a list is shorter than K when fewer items are
    /// left. Ties go to the smaller item index.
    /// - Parameters:
    ///   - model: the scorer.
    ///   - users: dense user indices, in the order of the lists returned.
    ///   - seen: users × items; a user's row is never recommended back.
    ///   - progress: advanced by users scored (its total is set here).
    /// - Complexity: O(users · items · log K) plus the model's scoring.
    public func recommendations<M: Recommender>(_ model: M, users: [Int], excluding seen: CSRMatrix,
                                                progress: ProgressReporter? = nil) -> TopKLists {
        let itemCount = model.itemCount
        let k = self.k, batchSize = self.batchSize
        precondition(seen.columns == itemCount)
        guard !users.isEmpty else { return TopKLists(k: k, users: [], items: []) }
        var items = [Int32](repeating: -1, count: users.count * k)
        items.withUnsafeMutableBufferPointer { out in
            let output = UnsafeSendable(out.baseAddress!)
            BatchScoring.forEachBatch(model, users: users, batchSize: batchSize, threads: threads, progress: progress) { lo, hi, scores in
                for row in 0..<(hi - lo) {
                    let rowScores = UnsafeMutableBufferPointer(start: scores + row * itemCount, count: itemCount)
                    Self.selectTop(rowScores, k: k, seen: seen, user: users[lo + row], into: output.value + (lo + row) * k)
                }
            }
        }
        return TopKLists(k: k, users: users, items: items)
    }

    /// Writes the best `k` items of `scores` (seen items masked) to `out`, best first.
    private static func selectTop(
        _ scores: UnsafeMutableBufferPointer<Float>, k: Int, seen: CSRMatrix, user: Int, into out: UnsafeMutablePointer<Int32>
    ) {
        seen.columnIndex.withUnsafeBufferPointer { columns in
            for p in seen.range(ofRow: user) { scores[Int(columns[p])] = -.infinity }
        }
        var top = TopK(k: k)
        var bar = top.threshold
        let base = scores.baseAddress!
        for i in 0..<scores.count {
            let s = base[i]
            // Items are visited in ascending order, so an equal score never displaces a smaller index;
            // -inf (seen) and NaN never pass.
            if s > bar {
                top.push(Int32(i), s)
                bar = top.threshold
            }
        }
        for (slot, entry) in top.sorted().enumerated() { out[slot] = entry.index }
    }
}
