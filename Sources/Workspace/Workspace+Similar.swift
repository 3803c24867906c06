import Dataset
import Foundation
import VectorSearch

/// Movies similar to one movie, as the CLI's `--json` and the server print them.
public struct SimilarList: Codable, Sendable, Equatable {
    /// A movie named in the output.
    public struct MovieRef: Codable, Sendable, Equatable {
        public var movieId: Int
        public var title: String
        enum CodingKeys: String, CodingKey { case movieId = "movie_id", title }
    }
    /// One neighbour.
    public struct Item: Codable, Sendable, Equatable {
        public var movieId: Int
        public var title: String
        public var year: Int?
        public var genres: [String]
        /// 1 − distance: the cosine similarity (or inner product); −distance under L2.
        public var score: Float
        enum CodingKeys: String, CodingKey { case movieId = "movie_id", title, year, genres, score }
    }
    public var query: MovieRef
    /// The model whose item vectors were compared.
    public var model: String
    /// The index's metric.
    public var metric: String
    public var items: [Item]
    /// How an ambiguous title was resolved (absent when there is nothing to say).
    public var notes: [String]?
}

extension Workspace {
    /// The `k` movies whose item vectors (of `model`) are nearest to `movie`'s by cosine, through the
    /// HNSW index of the store, or through `indexFile` when given (whose ids must be this dataset's movie
    /// ids).
    /// - Parameter ef: search width (default: config `hnsw.ef_search`).
    /// - Throws: `WorkspaceError` (unknown or unrated movie, an index of other data), loading errors.
    public func similar(movie reference: MovieReference, k: Int, model: ModelKind = .als, ef: Int? = nil,
                        indexFile: URL? = nil) throws -> SimilarList {
        try checkK(k)
        let found = try movie(reference)
        let index: HNSWIndex
        if let indexFile {
            index = try HNSWIndex.load(from: indexFile)
            try checkIds(of: index, path: indexFile.path)
        } else {
            index = try self.index(model, metric: .cosine)
        }
        let id = Int(found.movie.id)
        guard index.contains(id) else {
            if index.refusedZeroVectors.contains(id) || found.item == nil {
                throw WorkspaceError.invalid("\"\(found.movie.title)\" (\(id)) has no positive rating, so its vector is all zeros and it has no neighbours under cosine")
            }
            throw WorkspaceError.invalid("\"\(found.movie.title)\" (\(id)) is not in the index \(indexFile?.path ?? store.indexURL(model, metric: .cosine).path)")
        }
        let neighbours = try index.neighbors(of: id, k: k, ef: ef ?? config.hnsw.efSearch)
        let items = neighbours.map { n -> SimilarList.Item in
            let movie = catalog[Int32(truncatingIfNeeded: n.id)]
            return SimilarList.Item(movieId: n.id, title: movie?.title ?? "movie \(n.id)", year: movie?.year, genres: movie?.genres ?? [],
                                    score: index.metric.score(distance: n.distance))
        }
        return SimilarList(query: .init(movieId: id, title: found.movie.title), model: indexFile == nil ? model.rawValue : "index file",
                           metric: index.metric.rawValue, items: items, notes: found.note.map { [$0] })
    }

    /// Refuses an index whose ids are row numbers of an embedding file, or not this dataset's movie ids.
    func checkIds(of index: HNSWIndex, path: String) throws {
        if index.idSource == .rows { throw WorkspaceError.indexWithoutIds(path: path) }
        let missing = index.ids.filter { catalog[Int32(truncatingIfNeeded: $0)] == nil }.count
        if missing > 0 { throw WorkspaceError.indexForOtherData(path: path, missing: missing) }
    }
}
