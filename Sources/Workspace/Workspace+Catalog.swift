import Dataset
import Foundation

/// A movie as lists show it (search results, histories).
public struct MovieSummary: Codable, Sendable, Equatable {
    /// The dataset's movie id.
    public var movieId: Int
    public var title: String
    public var year: Int?
    public var genres: [String]

    enum CodingKeys: String, CodingKey { case movieId = "movie_id", title, year, genres }

    public init(_ movie: Movie) {
        movieId = Int(movie.id)
        title = movie.title
        year = movie.year
        genres = movie.genres
    }
}

/// One movie with what the data says about it.
public struct MovieDetails: Codable, Sendable, Equatable {
    public var movieId: Int
    public var title: String
    public var year: Int?
    public var genres: [String]
    public var imdbId: Int?
    public var tmdbId: Int?
    /// Ratings of the movie, positive or not.
    public var ratings: Int
    /// Ratings at or above the threshold: the movie's popularity as the models see it.
    public var positives: Int
    /// Mean rating (nil when nobody rated it).
    public var meanRating: Double?
    /// The positive threshold of the dataset.
    public var threshold: Float

    enum CodingKeys: String, CodingKey {
        case movieId = "movie_id", title, year, genres, imdbId = "imdb_id", tmdbId = "tmdb_id", ratings, positives
        case meanRating = "mean_rating", threshold
    }
}

/// Movies found by a title search.
public struct MovieSearchResult: Codable, Sendable, Equatable {
    /// The text searched for.
    public var query: String
    /// Best first: exact titles, prefixes, titles containing the text, then close matches by edit distance.
    public var items: [MovieSummary]
}

/// What one user of the dataset rated, latest first.
public struct UserHistory: Codable, Sendable, Equatable {
    /// One rating.
    public struct Rated: Codable, Sendable, Equatable {
        public var movieId: Int
        public var title: String
        public var year: Int?
        public var genres: [String]
        public var rating: Float
        /// Whether the rating reaches the threshold (what the models learn from).
        public var positive: Bool
        /// Seconds since 1970 (UTC), as in the ratings file.
        public var timestamp: Int64
        enum CodingKeys: String, CodingKey { case movieId = "movie_id", title, year, genres, rating, positive, timestamp }
    }
    /// The dataset's user id.
    public var user: Int
    /// All ratings of the user.
    public var ratings: Int
    /// Ratings at or above the threshold.
    public var positives: Int
    /// The latest `limit` ratings, latest first (ties: higher rating, then smaller movie id).
    public var items: [Rated]
}

extension Workspace {
    /// Titles that fit `text`, best first: exact, prefix and containing titles (`TitleIndex.search`),
    /// then, when those are fewer than `limit`, the closest titles by edit distance.
    /// - Throws: `WorkspaceError.invalid` for a `limit` outside `Workspace.limitRange` or empty text.
    public func searchMovies(_ text: String, limit: Int) throws -> MovieSearchResult {
        guard Self.limitRange.contains(limit) else { throw WorkspaceError.invalid("limit must be an integer in \(Self.limitRange.lowerBound)…\(Self.limitRange.upperBound), got \(limit)") }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw WorkspaceError.invalid("the search text is empty") }
        var found = titles.search(trimmed, limit: limit)
        if found.count < limit, case let .notFound(close) = titles.match(title: trimmed) {
            let have = Set(found.map(\.id))
            found += close.filter { !have.contains($0.id) }.prefix(limit - found.count)
        }
        return MovieSearchResult(query: text, items: found.map(MovieSummary.init))
    }

    /// The limits of list lengths in searches and histories.
    public static let limitRange = 1...1000

    /// The movie with the dataset's id `id`, with its rating counts.
    /// - Throws: `WorkspaceError.movieIdOutOfRange`, `.unknownMovie`.
    public func movieDetails(id: Int) throws -> MovieDetails {
        let movie = try movie(.id(id)).movie
        var ratings = 0, positives = 0, sum = 0.0
        if let item = interactions.items.index(of: movie.id) {
            let byItem = interactions.byItem
            for p in byItem.range(ofRow: item) {
                let value = byItem.values[p]
                ratings += 1
                sum += Double(value)
                if value >= interactions.threshold { positives += 1 }
            }
        }
        return MovieDetails(movieId: Int(movie.id), title: movie.title, year: movie.year, genres: movie.genres, imdbId: movie.imdbId,
                            tmdbId: movie.tmdbId, ratings: ratings, positives: positives,
                            meanRating: ratings > 0 ? sum / Double(ratings) : nil, threshold: interactions.threshold)
    }

    /// The latest `limit` ratings of the dataset's user `id`.
    /// - Throws: `WorkspaceError.userIdOutOfRange`, `.unknownUser`, `.invalid` for a `limit` out of range.
    public func history(user id: Int, limit: Int) throws -> UserHistory {
        let dense = try user(id: id)
        guard Self.limitRange.contains(limit) else { throw WorkspaceError.invalid("limit must be an integer in \(Self.limitRange.lowerBound)…\(Self.limitRange.upperBound), got \(limit)") }
        let byUser = interactions.byUser
        let range = byUser.range(ofRow: dense)
        let order = range.sorted { a, b in
            let (ta, tb) = (byUser.timestamps[a], byUser.timestamps[b])
            if ta != tb { return ta > tb }
            if byUser.values[a] != byUser.values[b] { return byUser.values[a] > byUser.values[b] }
            return byUser.columnIndex[a] < byUser.columnIndex[b]
        }
        let items = order.prefix(limit).map { p -> UserHistory.Rated in
            let id = interactions.items.externalId(of: Int(byUser.columnIndex[p]))
            let movie = catalog[id]
            let rating = byUser.values[p]
            return UserHistory.Rated(movieId: Int(id), title: movie?.title ?? "movie \(id)", year: movie?.year, genres: movie?.genres ?? [],
                                     rating: rating, positive: rating >= interactions.threshold, timestamp: byUser.timestamps[p])
        }
        let positives = range.reduce(0) { $0 + (byUser.values[$1] >= interactions.threshold ? 1 : 0) }
        return UserHistory(user: id, ratings: range.count, positives: positives, items: items)
    }
}
