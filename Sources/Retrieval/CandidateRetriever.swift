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
    ///   - excluding: dense item indices that may not be returned (the user's seen movies).
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
    public let item: Int
    public let score: Float
    public init(item: Int, score: Float) { self.item = item; self.score = score }
}
