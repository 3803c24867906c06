import Dataset
import LinearAlgebra
import Models
import Support
import Foundation

/// HR@K and NDCG@K of the sampled leave-one-out protocol.
public struct SampledMetrics: Sendable, Equatable, Codable {
    /// Fraction of users whose held-out item ranks in the top K among the candidates.
    public var hitRate = 0.0
    /// Mean of 1/log2(rank + 1) over users, 0 when the rank is beyond K.
    public var ndcg = 0.0
    /// Users with a held-out positive (the averages are over these).
    public var usersEvaluated = 0
    /// Users with no held-out positive.
    public var usersSkipped = 0
    /// Negatives asked for per user.
    public var negativesRequested = 0
    /// Users who had fewer unrated movies than `negativesRequested` and were ranked among all of them.
    public var usersWithFewerNegatives = 0

    /// All zeros, no users.
    public init() {}

    /// What makes these figures degenerate, for a front end to print (empty when they are sound).
    public var warnings: [String] {
        var notes: [String] = []
        if usersEvaluated == 0 {
            notes.append("no test user has a held-out positive: HR and NDCG are undefined (reported as 0)")
        }
        if usersWithFewerNegatives > 0 {
            notes.append("\(usersWithFewerNegatives) of \(usersEvaluated) users have fewer than \(negativesRequested) unrated movies "
                         + "and were ranked among all of them: ask for fewer negatives than the catalogue holds")
        }
        return notes
    }

    enum CodingKeys: String, CodingKey {
        case hitRate = "hit_rate", ndcg, usersEvaluated = "users_evaluated", usersSkipped = "users_skipped"
    }
}

/// The leave-one-out protocol with sampled negatives of He et al., "Neural Collaborative Filtering"
/// (WWW 2017): each user's latest held-out positive is ranked among `negatives` movies the user never
/// rated (in train or test), drawn uniformly without replacement; HR@K and NDCG@K of its rank.
///
/// Rules:
/// - The held-out item is the user's latest positive in `test` (ties in time: the larger item index);
///   use it with `Split.leaveLast(_:count: 1)` for the paper's setting.
/// - Negatives are drawn per user from `SeededGenerator(seed:stream: user)`, so they depend on the seed and
///   the data only. A user with fewer unrated items than `negatives` gets all of them.
/// - rank = 1 + number of negatives scoring **at least** as high as the held-out item: a tie counts
///   against the model, so a constant scorer gets HR 0 rather than 1.
public struct SampledRankingProtocol: Sendable {
    /// Sampled negatives per user (100 in the paper; 0 ranks the held-out item alone, so HR is 1).
    public var negatives: Int
    /// The cut-off K of HR@K and NDCG@K.
    public var k: Int
    /// The seed of every user's negative sample.
    public var seed: UInt64
    /// Users scored per `scores(forUsers:into:)` call.
    public var batchSize: Int
    /// Worker threads (the result does not depend on them).
    public var threads: Int

    /// - Precondition: `negatives` ≥ 0; `k`, `batchSize` and `threads` ≥ 1.
    public init(negatives: Int = 100, k: Int = 10, seed: UInt64 = 42, batchSize: Int = 64, threads: Int = Threads.count) {
        precondition(negatives >= 0 && k >= 1 && batchSize >= 1 && threads >= 1)
        self.negatives = negatives
        self.k = k
        self.seed = seed
        self.batchSize = batchSize
        self.threads = threads
    }

    /// One user's held-out item and sampled negatives.
    public struct Case: Sendable, Equatable {
        /// The dense user index.
        public let user: Int
        /// The dense index of the user's latest test positive.
        public let heldOut: Int32
        /// Dense indices of items the user never rated, in draw order (no repeats).
        public let negatives: [Int32]
    }

    /// Evaluates `model` (trained on `split.train`) against `split.test`.
    /// - Parameters:
    ///   - model: a model trained on `split.train`.
    ///   - split: use `Split.leaveLast(_:count: 1)` for the paper's setting.
    ///   - progress: advanced by users scored (its total is set here).
    public func evaluate<M: Recommender>(_ model: M, split: Split, progress: ProgressReporter? = nil) -> SampledMetrics {
        evaluate(model, train: split.train, test: split.test, progress: progress)
    }

    /// Evaluates `model` on the cases drawn from `train` and `test`.
    /// - Parameters:
    ///   - model: a model trained on `train`.
    ///   - train: the training ratings (never sampled as negatives).
    ///   - test: the held-out ratings; each user's latest positive is ranked.
    ///   - progress: advanced by users scored (its total is set here).
    public func evaluate<M: Recommender>(_ model: M, train: Interactions, test: Interactions,
                                         progress: ProgressReporter? = nil) -> SampledMetrics {
        precondition(model.itemCount == train.itemCount, "model scores \(model.itemCount) items, data has \(train.itemCount)")
        let cases = self.cases(train: train, test: test)
        let ranks = self.ranks(model, cases: cases, progress: progress)
        var result = SampledMetrics()
        result.usersEvaluated = cases.count
        result.usersSkipped = train.userCount - cases.count
        result.negativesRequested = negatives
        result.usersWithFewerNegatives = cases.lazy.filter { $0.negatives.count < self.negatives }.count
        guard !cases.isEmpty else { return result }
        for rank in ranks where rank <= k {
            result.hitRate += 1
            result.ndcg += 1 / log2(Double(rank + 1))
        }
        result.hitRate /= Double(cases.count)
        result.ndcg /= Double(cases.count)
        return result
    }

    /// The held-out item and sampled negatives of every user with a positive in `test`, by user index.
    /// - Precondition: `train` and `test` share id maps.
    /// - Complexity: O(ratings + users · negatives) expected, O(items) per user whose unrated items are
    ///   fewer than twice `negatives` (those are listed and shuffled instead of rejection-sampled).
    public func cases(train: Interactions, test: Interactions) -> [Case] {
        precondition(train.users == test.users && train.items == test.items, "train and test must share id maps")
        let itemCount = train.itemCount
        let t = test.byUser, r = train.byUser
        var stamp = [Int32](repeating: -1, count: itemCount)
        var cases: [Case] = []
        for user in 0..<t.rows {
            // The latest positive of the user in test.
            var heldOut: Int32 = -1
            var latest = Int64.min
            for p in t.range(ofRow: user) where t.values[p] >= test.threshold && t.timestamps[p] >= latest {
                latest = t.timestamps[p]
                heldOut = t.columnIndex[p]
            }
            guard heldOut >= 0 else { continue }
            let mark = Int32(user)
            var rated = 0
            for p in r.range(ofRow: user) where stamp[Int(r.columnIndex[p])] != mark { stamp[Int(r.columnIndex[p])] = mark; rated += 1 }
            for p in t.range(ofRow: user) where stamp[Int(t.columnIndex[p])] != mark { stamp[Int(t.columnIndex[p])] = mark; rated += 1 }
            let unrated = itemCount - rated
            var generator = SeededGenerator(seed: seed, stream: UInt64(user))
            var drawn: [Int32] = []
            if unrated / 2 <= negatives { // (not unrated <= 2 * negatives: that overflows for a huge count)
                // Few candidates: list them all and take a random subset (partial Fisher–Yates).
                var pool: [Int32] = []
                pool.reserveCapacity(unrated)
                for i in 0..<itemCount where stamp[i] != mark { pool.append(Int32(i)) }
                let take = min(negatives, pool.count)
                for j in 0..<take { pool.swapAt(j, j + generator.nextInt(below: pool.count - j)) }
                drawn = Array(pool.prefix(take))
            } else {
                // Many candidates: rejection sampling, marking each drawn item so it is not drawn twice.
                drawn.reserveCapacity(negatives)
                while drawn.count < negatives {
                    let i = generator.nextInt(below: itemCount)
                    if stamp[i] == mark { continue }
                    stamp[i] = mark
                    drawn.append(Int32(i))
                }
            }
            cases.append(Case(user: user, heldOut: heldOut, negatives: drawn))
        }
        return cases
    }

    /// The 1-based rank of each case's held-out item among its candidates (ties count against it).
    /// - Parameters:
    ///   - model: the scorer.
    ///   - cases: from ``cases(train:test:)``.
    ///   - progress: advanced by cases scored (its total is set here).
    public func ranks<M: Recommender>(_ model: M, cases: [Case], progress: ProgressReporter? = nil) -> [Int] {
        let itemCount = model.itemCount, batchSize = self.batchSize
        guard !cases.isEmpty else { return [] }
        var ranks = [Int](repeating: 0, count: cases.count)
        ranks.withUnsafeMutableBufferPointer { out in
            let output = UnsafeSendable(out.baseAddress!)
            BatchScoring.forEachBatch(model, users: cases.map(\.user), batchSize: batchSize, threads: threads,
                                      progress: progress) { lo, hi, scores in
                for c in lo..<hi {
                    let row = scores + (c - lo) * itemCount
                    let target = row[Int(cases[c].heldOut)]
                    var ahead = 0
                    for n in cases[c].negatives where !(row[Int(n)] < target) { ahead += 1 }
                    output.value[c] = 1 + ahead
                }
            }
        }
        return ranks
    }
}
