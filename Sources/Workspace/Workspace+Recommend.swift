import Dataset
import Foundation
import Retrieval

/// One recommended movie, as the CLI's `--json` and the server print it.
public struct RecommendedMovie: Codable, Sendable, Equatable {
    /// The dataset's movie id.
    public var movieId: Int
    public var title: String
    public var year: Int?
    public var genres: [String]
    /// The score it was ranked by (higher is better; its scale depends on the source).
    public var score: Float
    /// `ann`, `rerank` or `popularity`: which stage put it there.
    public var source: String
    /// Movie ids of the liked movies that explain it most (ALS), largest contribution first.
    public var because: [Int]

    enum CodingKeys: String, CodingKey { case movieId = "movie_id", title, year, genres, score, source, because }
}

/// Recommendations for one user or newcomer.
public struct RecommendationList: Codable, Sendable, Equatable {
    /// The dataset's user id (nil for a newcomer).
    public var user: Int?
    /// A newcomer's liked movie ids (nil for a user of the dataset).
    public var likes: [Int]?
    /// The model that ranked them.
    public var model: String
    /// Whether the first stage was the exact scan rather than the HNSW index.
    public var exact: Bool
    /// The user's positives in the data (or the newcomer's likes).
    public var history: Int
    public var items: [RecommendedMovie]
    /// How ambiguous titles were resolved (absent when there is nothing to say).
    public var notes: [String]?
}

extension Workspace {
    /// The top `k` movies for the dataset's user `id`: the two-stage pipeline of `model`, never a movie
    /// the user rated.
    /// - Throws: `WorkspaceError` (unknown user, a model without vectors) and what loading throws.
    public func recommend(user id: Int, k: Int, model: ModelKind = .als, exact: Bool = false) throws -> RecommendationList {
        let dense = try user(id: id)
        try checkK(k)
        let pipeline = try pipeline(model, exact: exact)
        let recommended = try pipeline.recommend(user: dense, k: k)
        return RecommendationList(user: id, likes: nil, model: model.rawValue, exact: exact,
                                  history: pipeline.likedItems(ofUser: dense).count, items: describe(recommended), notes: nil)
    }

    /// The top `k` movies for someone new who likes `likes`, folded into `model` without retraining
    /// (ALS solves for the user's factors; GMF and NeuMF learn the user's embedding rows with the trained
    /// weights frozen). Neither the liked movies nor `seen` are recommended.
    /// - Throws: `WorkspaceError` (unknown or unrated movies, a model that cannot fold in), loading errors.
    public func recommend(likes: [MovieReference], seen: [MovieReference] = [], k: Int, model: ModelKind = .als,
                          exact: Bool = false) throws -> RecommendationList {
        guard model.capabilities.foldsIn else {
            throw WorkspaceError.unsupported(model: model.rawValue, needs: "fold in someone new from liked movies",
                                             use: ModelKind.allCases.filter(\.capabilities.foldsIn).map(\.rawValue))
        }
        try checkK(k)
        let liked = try ratedMovies(likes)
        let watched = seen.isEmpty ? [] : try ratedMovies(seen)
        let pipeline = try pipeline(model, exact: exact)
        let recommended = try pipeline.recommend(likedItems: liked.map { $0.item! }, excluding: watched.map { $0.item! }, k: k)
        let notes = (liked + watched).compactMap(\.note)
        return RecommendationList(user: nil, likes: liked.map { Int($0.movie.id) }, model: model.rawValue, exact: exact,
                                  history: Set(liked.map(\.item)).count, items: describe(recommended),
                                  notes: notes.isEmpty ? nil : notes)
    }

    /// The allowed numbers of recommended or similar movies.
    public static let kRange = 1...10_000

    func checkK(_ k: Int) throws {
        guard Self.kRange.contains(k) else { throw WorkspaceError.invalid("k must be an integer in 1…10000, got \(k)") }
    }

    private func describe(_ recommended: [Recommendation]) -> [RecommendedMovie] {
        let items = interactions.items
        return recommended.map { r in
            let id = items.externalId(of: r.item)
            let movie = catalog[id]
            return RecommendedMovie(movieId: Int(id), title: movie?.title ?? "movie \(id)", year: movie?.year, genres: movie?.genres ?? [],
                                    score: r.score, source: r.source.rawValue, because: r.because.map { Int(items.externalId(of: $0)) })
        }
    }
}
