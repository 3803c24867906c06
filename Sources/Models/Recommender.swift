import Dataset
import LinearAlgebra

/// One recommended item: its dense index and its score (higher is better).
public struct ScoredItem: Sendable, Equatable {
    /// The dense item index.
    public let item: Int
    /// The model's score (higher is better; its scale depends on the model).
    public let score: Float
    /// An item with its score.
    public init(item: Int, score: Float) { self.item = item; self.score = score }
}

/// What every model offers: a score for every item, for a user of the training data.
///
/// Users and items are dense indices of the `Interactions` the model was trained on. The contract test
/// suite (`ModelsTests`) checks every conforming model against it.
public protocol Recommender: Sendable {
    /// The model's name as used on the command line (`popularity`, `als`, `gmf`, …).
    var name: String { get }
    /// Number of items scored.
    var itemCount: Int { get }
    /// Number of users known to the model.
    var userCount: Int { get }
    /// Writes the score of every item for dense user `user` into `scores` (`itemCount` floats).
    func scores(forUser user: Int, into scores: UnsafeMutableBufferPointer<Float>)
    /// Writes the scores of a batch of users, row-major `users.count` × `itemCount`. Models with a
    /// matrix form (ALS) override this with one BLAS product; the default scores user by user.
    func scores(forUsers users: [Int], into scores: UnsafeMutablePointer<Float>)
}

extension Recommender {
    public func scores(forUsers users: [Int], into scores: UnsafeMutablePointer<Float>) {
        for (row, user) in users.enumerated() {
            self.scores(forUser: user, into: UnsafeMutableBufferPointer(start: scores + row * itemCount, count: itemCount))
        }
    }
}

extension Recommender {
    /// The `k` best items for `user`, never one of `seen` (sorted dense item indices or any order).
    /// - Complexity: O(items · log k) after scoring.
    public func recommend<S: Sequence>(user: Int, k: Int, excluding seen: S) -> [ScoredItem] where S.Element == Int32 {
        var buffer = [Float](repeating: 0, count: itemCount)
        return buffer.withUnsafeMutableBufferPointer { scores in
            self.scores(forUser: user, into: scores)
            return Self.topK(scores, k: k, excluding: seen)
        }
    }

    /// Top-`k` of a score vector, skipping `seen` items (they are set to -inf in `scores`).
    public static func topK<S: Sequence>(_ scores: UnsafeMutableBufferPointer<Float>, k: Int, excluding seen: S) -> [ScoredItem]
    where S.Element == Int32 {
        for s in seen { scores[Int(s)] = -.infinity }
        var top = TopK(k: k)
        for i in 0..<scores.count {
            let s = scores[i]
            if s > top.threshold || (s == top.threshold && s != -.infinity) { top.push(Int32(i), s) }
        }
        return top.sorted().filter { $0.score != -.infinity }.map { ScoredItem(item: Int($0.index), score: $0.score) }
    }
}
