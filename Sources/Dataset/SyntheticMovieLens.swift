import Foundation
import Support

/// A deterministic generator of MovieLens-shaped datasets (`ratings.csv` + `movies.csv` in the ML-20M
/// layout), for scale benchmarks on machines that cannot download the real ML-20M.
///
/// The data has the statistical shape that matters to a recommender:
/// - exactly `shape.users` users, `shape.movies` movies and `shape.ratings` ratings, every user with at
///   least 20 ratings, no repeated (user, movie) pair, and every movie rated at least once;
/// - heavy-tailed user activity (log-normal, median ≈ 70 and mean ≈ 144 ratings on the ML-20M shape,
///   capped at a few thousand);
/// - Zipf-like movie popularity (a power law with an exponential tail: on the ML-20M shape the most rated
///   movie has ≈ 38k ratings, 10% of movies have ≥ 1.7k, the median movie ≈ 50, the least 1 — flatter at
///   the top than the real ML-20M, whose top movie has 67k, because picks concentrate on the clusters);
/// - half-star ratings (0.5…5.0; some users use whole stars only) with about half ≥ 4.0 on the ML-20M
///   shape (fewer on small dense shapes, where users run out of their cluster's movies);
/// - **latent taste clusters**: every user belongs to one of `clusters` clusters (of uneven sizes), every
///   movie to one of as many movie groups; a user picks most of their movies from their cluster's group
///   and rates those higher, so a factorisation model has real structure to learn beyond popularity;
/// - per-user timestamps that increase in the order the user rated (sessions of quick ratings separated
///   by gaps of days), between 1995-01-09 and 2015-03-31 as in ML-20M.
///
/// `ratings.csv` is ordered by user then movie id, as the real file is. The same seed and shape give
/// byte-identical files whatever the number of threads: users are generated in fixed chunks, each from
/// its own `SeededGenerator(seed:stream:)`, and written in chunk order.
public struct SyntheticMovieLens: Sendable {
    /// How many users, movies and ratings to generate.
    public struct Shape: Sendable, Equatable, Codable {
        /// Users to generate (ids 1…users).
        public var users: Int
        /// Movies to generate.
        public var movies: Int
        /// Ratings to generate in total (at least 20 per user; see ``SyntheticMovieLens/validate()``).
        public var ratings: Int

        /// A shape (checked by ``SyntheticMovieLens/validate()``, not here).
        public init(users: Int, movies: Int, ratings: Int) {
            self.users = users
            self.movies = movies
            self.ratings = ratings
        }

        /// The shape of MovieLens 20M: 138,493 users, 26,744 movies, 20,000,263 ratings.
        public static let ml20m = Shape(users: 138_493, movies: 26_744, ratings: 20_000_263)
    }

    /// The hidden structure the generator planted, for tests and analyses.
    public struct Truth: Sendable {
        /// The taste cluster of user `userId` is `userCluster[userId - 1]`.
        public let userCluster: [Int]
        /// The movie group (same numbering as the clusters) of each movie, by movie id.
        public let movieGroup: [Int32: Int]
    }

    /// The counts to generate.
    public var shape: Shape
    /// The seed every random choice derives from.
    public var seed: UInt64
    /// Number of latent taste clusters (and movie groups).
    public var clusters: Int

    /// Every user has at least this many ratings, as in MovieLens.
    public static let minimumRatingsPerUser = 20
    /// Users per generation chunk (fixed, so output does not depend on the thread count).
    static let usersPerChunk = 1024
    /// The first and last timestamps of ML-20M (1995-01-09, 2015-03-31).
    static let firstTimestamp: Int64 = 789_652_009
    static let lastTimestamp: Int64 = 1_427_784_002

    /// A generator of `shape` from `seed`.
    /// - Parameters:
    ///   - shape: counts to generate (default: ML-20M's).
    ///   - seed: fixes every random choice.
    ///   - clusters: latent taste clusters; default 32 (fewer for small catalogues: movies / 30, at least 2).
    public init(shape: Shape = .ml20m, seed: UInt64 = 42, clusters: Int? = nil) {
        self.shape = shape
        self.seed = seed
        self.clusters = clusters ?? max(2, min(32, shape.movies / 30))
    }

    /// The most ratings one user gets: a few thousand, and at most three quarters of the catalogue.
    public var maximumRatingsPerUser: Int { min(7_000, shape.movies * 3 / 4) }

    /// Checks that the shape can be generated.
    /// - Throws: `SynthError.impossibleShape` saying which bound is violated.
    public func validate() throws {
        let minimum = Self.minimumRatingsPerUser
        guard shape.users > 0 else { throw SynthError.impossibleShape(reason: "users must be positive") }
        guard shape.movies >= 2 * minimum else {
            throw SynthError.impossibleShape(reason: "need at least \(2 * minimum) movies (got \(shape.movies))")
        }
        guard shape.movies < Int(Int32.max) / 16, shape.users < Int(Int32.max) else {
            throw SynthError.impossibleShape(reason: "ids would not fit in 32 bits")
        }
        guard shape.ratings >= minimum * shape.users else {
            throw SynthError.impossibleShape(
                reason: "\(shape.ratings) ratings cannot give \(shape.users) users \(minimum) ratings each (need ≥ \(minimum * shape.users))")
        }
        guard shape.ratings <= maximumRatingsPerUser * shape.users else {
            throw SynthError.impossibleShape(
                reason: "\(shape.ratings) ratings exceed \(shape.users) users × \(maximumRatingsPerUser) (the per-user cap)")
        }
        guard shape.movies <= shape.ratings else {
            throw SynthError.impossibleShape(reason: "every movie needs a rating: \(shape.movies) movies > \(shape.ratings) ratings")
        }
        guard (1...1000).contains(clusters) else {
            throw SynthError.impossibleShape(reason: "clusters must be in 1...1000 (got \(clusters))")
        }
    }

    /// The clusters and movie groups this seed and shape plant (computed without writing anything).
    /// - Throws: `SynthError.impossibleShape`, as ``validate()``.
    public func truth() throws -> Truth {
        try validate()
        let plan = Plan(self)
        var groups = [Int32: Int](minimumCapacity: shape.movies)
        for m in 0..<shape.movies { groups[plan.movieIds[m]] = Int(plan.movieGroup[m]) }
        return Truth(userCluster: plan.userCluster.map(Int.init), movieGroup: groups)
    }

    /// Writes `ratings.csv` and `movies.csv` into `directory` (created when missing), both or neither:
    /// they are written into a staging folder beside it that is swapped in when complete
    /// (`AtomicDirectory`); other files already in `directory` are kept.
    /// - Parameters:
    ///   - directory: the output folder.
    ///   - threads: worker threads (the output does not depend on it).
    ///   - progress: advanced by the number of ratings written.
    /// - Returns: counts and statistics of what was written.
    /// - Throws: `SynthError`.
    /// - Complexity: O(ratings · log(ratings per user)); about 4 s for the ML-20M shape on two cores (release build).
    @discardableResult
    public func write(
        to directory: URL, threads: Int = Threads.count, progress: ProgressReporter? = nil
    ) throws -> SyntheticMovieLensSummary {
        try validate()
        let start = Date()
        let plan = Plan(self)
        var written: Plan.RatingStats?
        do {
            // Both files or neither: built in a staging folder that replaces `directory` in one swap.
            try AtomicDirectory.publish(to: directory) { staging in
                let moviesURL = staging.appendingPathComponent("movies.csv")
                do {
                    try AtomicFile.write(plan.moviesCSV(), to: moviesURL)
                } catch {
                    throw SynthError.writeFailed(path: directory.appendingPathComponent("movies.csv").path, reason: "\(error)")
                }
                let ratingsURL = staging.appendingPathComponent("ratings.csv")
                written = try plan.writeRatings(to: ratingsURL, threads: max(1, threads), progress: progress)
            }
        } catch let error as ArtifactError {
            throw SynthError.writeFailed(path: directory.path, reason: "\(error)")
        }
        guard let stats = written else { throw SynthError.writeFailed(path: directory.path, reason: "nothing written") }
        progress?.finish()

        let counts = plan.userCount.map(Int.init).sorted()
        var summary = SyntheticMovieLensSummary()
        summary.users = shape.users
        summary.movies = shape.movies
        summary.ratings = stats.ratings
        summary.moviesRated = stats.movieCounts.lazy.filter { $0 > 0 }.count
        summary.minRatingsPerUser = counts.first ?? 0
        summary.medianRatingsPerUser = counts.isEmpty ? 0 : counts[counts.count / 2]
        summary.maxRatingsPerUser = counts.last ?? 0
        summary.fractionAtLeast4 = Double(stats.atLeast4) / Double(max(1, stats.ratings))
        summary.topMovieShare = Double(stats.movieCounts.max() ?? 0) / Double(max(1, stats.ratings))
        summary.clusters = clusters
        summary.ratingsBytes = stats.bytes
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }
}

/// What `SyntheticMovieLens.write` produced.
public struct SyntheticMovieLensSummary: Sendable, Equatable, Codable {
    /// Users written.
    public var users = 0
    /// Movies in `movies.csv`.
    public var movies = 0
    /// Ratings written.
    public var ratings = 0
    /// Movies with at least one rating.
    public var moviesRated = 0
    /// The fewest ratings of one user (at least 20).
    public var minRatingsPerUser = 0
    /// The median ratings per user.
    public var medianRatingsPerUser = 0
    /// The most ratings of one user.
    public var maxRatingsPerUser = 0
    /// Fraction of ratings ≥ 4.0.
    public var fractionAtLeast4 = 0.0
    /// Ratings of the most rated movie over all ratings.
    public var topMovieShare = 0.0
    /// Latent taste clusters planted.
    public var clusters = 0
    /// Size of `ratings.csv`, in bytes.
    public var ratingsBytes = 0
    /// Wall time, in seconds.
    public var seconds = 0.0

    enum CodingKeys: String, CodingKey {
        case users, movies, ratings, moviesRated = "movies_rated", minRatingsPerUser = "min_ratings_per_user"
        case medianRatingsPerUser = "median_ratings_per_user", maxRatingsPerUser = "max_ratings_per_user"
        case fractionAtLeast4 = "fraction_at_least_4", topMovieShare = "top_movie_share", clusters
        case ratingsBytes = "ratings_bytes", seconds
    }

    /// All zeros (filled in by ``SyntheticMovieLens/write(to:threads:progress:)``).
    public init() {}
}
