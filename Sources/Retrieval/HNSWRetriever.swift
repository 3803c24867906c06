import Dataset
import VectorSearch

/// Approximate maximum-inner-product candidates from an `HNSWIndex` built under `.innerProduct`.
///
/// The user's seen items are excluded *inside* the graph walk (`SearchFilter.excluding`), so the search
/// returns `count` unseen items rather than `count` items of which some are thrown away.
///
/// The index's ids are either dense item indices (`itemIds == nil`, e.g. an index built in-process by
/// `build(itemVectors:…)`) or the dataset's movie ids (`itemIds` = the model's item IdMap, e.g. an index
/// written by `marquee build-index --model`); ids are translated at this boundary only.
public struct HNSWRetriever: CandidateRetriever {
    /// `hnsw`.
    public let name = "hnsw"
    /// The inner-product graph searched.
    public let index: HNSWIndex
    /// Search width (at least `count` is used).
    public let ef: Int
    private let itemIds: IdMap?

    /// A first stage over an existing index (checked against the model when the pipeline is made).
    /// - Parameters:
    ///   - index: an inner-product index over the item vectors.
    ///   - ef: search width.
    ///   - itemIds: when the index ids are external movie ids, the map from them to dense indices.
    public init(index: HNSWIndex, ef: Int, itemIds: IdMap? = nil) {
        self.index = index
        self.ef = ef
        self.itemIds = itemIds
    }

    /// Builds an inner-product index over dense item vectors (ids = dense indices), with the `graph` MIPS
    /// strategy by default: on ALS item vectors it reaches far higher recall than the L2 reduction.
    /// - Throws: `VectorIndexError` for non-finite values.
    public static func build(itemVectors: [Float], dimension: Int, ef: Int,
                             parameters: HNSWIndex.Parameters = HNSWIndex.Parameters(mipsStrategy: .graph),
                             threads: Int = 1) throws -> HNSWRetriever {
        let rows = itemVectors.count / dimension
        let index = try HNSWIndex.build(vectors: Matrix(rows: rows, columns: dimension, values: itemVectors),
                                        metric: .innerProduct, parameters: parameters, threads: threads)
        return HNSWRetriever(index: index, ef: ef)
    }

    /// Refuses an index whose ids are row numbers when they are to be read as movie ids (`itemIds` given):
    /// its candidates would be unrelated movies.
    /// - Throws: `RetrievalError.rowNumberIDs`.
    public func validate() throws {
        if itemIds != nil && index.idSource == .rows { throw RetrievalError.rowNumberIDs }
    }

    /// The same index searched with another width.
    public func with(ef: Int) -> HNSWRetriever { HNSWRetriever(index: index, ef: ef, itemIds: itemIds) }

    /// The length of the indexed vectors.
    public var dimension: Int { index.dimension }

    /// Up to `count` unseen items from one HNSW search of width `max(ef, count)`, seen items filtered
    /// inside the walk; ids the item map does not know are dropped.
    /// - Precondition: `query.count == dimension`.
    /// - Complexity: roughly O(ef · m · log n) distance evaluations for `n` indexed items, not O(n).
    public func candidates(for query: [Float], count: Int, excluding: [Int]) -> [ScoredCandidate] {
        guard count > 0 else { return [] }
        let excluded: [Int] = itemIds.map { map in excluding.map { Int(map.externalId(of: $0)) } } ?? excluding
        let filter: SearchFilter? = excluded.isEmpty ? nil : .excluding(excluded)
        precondition(query.count == dimension, "query has \(query.count) values, the index has \(dimension)")
        // The dimension is checked above (and by the pipeline when it is made): the search throws nothing else.
        let found = try! index.search(query, k: count, ef: max(ef, count), filter: filter)
        return found.compactMap { n in
            let item: Int
            if let itemIds {
                guard let dense = itemIds.index(of: Int32(truncatingIfNeeded: n.id)) else { return nil }
                item = dense
            } else {
                item = n.id
            }
            return ScoredCandidate(item: item, score: index.metric.score(distance: n.distance))
        }
    }
}
