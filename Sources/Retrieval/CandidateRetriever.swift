import LinearAlgebra
import VectorSearch

/// The first stage: items with the largest inner product with a query vector, never one of `excluding`.
///
/// Implementations are immutable after construction and safe to call from many threads at once.
public protocol CandidateRetriever: Sendable {
    /// Short name for reports (`exact`, `hnsw`).
    var name: String { get }
    /// Vector length.
    var dimension: Int { get }
    /// Up to `count` items (dense indices) with their inner product with `query`, largest first.
    /// - Parameters:
    ///   - query: a vector of ``dimension`` floats (a user's factors or a folded-in newcomer).
    ///   - count: the most candidates wanted; fewer come back when fewer items are left.
    ///   - excluding: dense item indices that may not be returned (the user's seen movies).
    /// - Returns: the candidates, highest inner product first.
    func candidates(for query: [Float], count: Int, excluding: [Int]) -> [ScoredCandidate]
    /// Checks that this stage can serve a pipeline (called when the pipeline is made).
    /// - Throws: `RetrievalError` naming what does not fit.
    func validate() throws
}

extension CandidateRetriever {
    /// Nothing to check by default.
    public func validate() throws {}
}

/// A candidate item and its inner product with the query.
public struct ScoredCandidate: Sendable, Equatable {
    /// The dense item index.
    public let item: Int
    /// The inner product of the item's vector with the query (approximate stages report the exact
    /// inner product of the vectors they return).
    public let score: Float
    /// A candidate with its score.
    public init(item: Int, score: Float) { self.item = item; self.score = score }
}
