import ArgumentParser
import Dataset
import Foundation
import MarqueeCLI
import Support
import VectorSearch

/// `marquee synth`: deterministic synthetic data for scale benchmarks.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic synthetic dataset (MovieLens-20M-shaped ratings, or ANN benchmark vectors).",
        discussion: """
        SHAPES

          ml-20m   ratings.csv (userId,movieId,rating,timestamp) and movies.csv (movieId,title,genres) in the \
        exact ML-20M layout: 138,493 users, 26,744 movies, 20,000,263 ratings (override with --users, \
        --movies, --ratings). Every user has at least 20 ratings (heavy-tailed: log-normal, capped at a few \
        thousand), movie popularity is Zipf-like, ratings are half stars with about half ≥ 4.0 (at the ML-20M \
        shape; small dense shapes, where users exhaust their cluster's movies, run lower), no \
        (user, movie) pair repeats, timestamps increase along each user's history (1995–2015). Users fall \
        into --clusters latent taste clusters (default 32; movies/30 for small catalogues) that prefer \
        their own group of movies and rate it higher, so matrix factorisation has structure to learn. \
        Every movie is rated at least once. ratings.csv is about 510 MB at full size (about 4 s on two \
        cores). ratings.csv is ordered by user, then movie id, like the real file.

          vectors  base.fvecs, queries.fvecs and the exact groundtruth.ivecs (the --k nearest base ids of \
        every query by squared L2) of a seeded Gaussian mixture with uneven cluster sizes and spreads; \
        queries are fresh draws from the same mixture. Needs --count, --dim and --queries.

        The same --seed and options give byte-identical files, whatever the number of cores. Files are \
        written under temporary names and renamed when complete.

        EXAMPLES

          marquee synth --shape ml-20m --seed 42 --out /tmp/ml-20m-synth
          marquee synth --shape ml-20m --users 2000 --movies 800 --ratings 150000 --out /tmp/tiny
          marquee synth --shape vectors --count 1000000 --dim 64 --queries 10000 --seed 1 --out /tmp/vec1m
        """
    )

    enum Shape: String, ExpressibleByArgument, CaseIterable {
        case ml20m = "ml-20m"
        case vectors
    }

    @OptionGroup var common: CommonOptions

    @Option(help: "What to generate: ml-20m or vectors.")
    var shape: Shape

    @Option(help: "Folder to write into (created when missing).")
    var out: String

    @Option(help: "Random seed; the same seed gives byte-identical files.")
    var seed: UInt64 = 42

    @Option(help: "ml-20m: number of users (default 138,493).")
    var users: Int?

    @Option(help: "ml-20m: number of movies (default 26,744).")
    var movies: Int?

    @Option(help: "ml-20m: number of ratings (default 20,000,263; at least 20 per user).")
    var ratings: Int?

    @Option(help: "Latent clusters: taste clusters for ml-20m (default 32), mixture components for vectors (default 100).")
    var clusters: Int?

    @Option(help: "vectors: number of base vectors.")
    var count: Int?

    @Option(help: "vectors: dimension.")
    var dim: Int?

    @Option(help: "vectors: number of query vectors.")
    var queries: Int?

    @Option(help: "vectors: neighbours per query in groundtruth.ivecs.")
    var k: Int = 100

    @Flag(help: "Print one JSON object with what was written on stdout.")
    var json = false

    func validate() throws {
        switch shape {
        case .ml20m:
            if count != nil || dim != nil || queries != nil {
                throw ValidationError("--count, --dim and --queries apply to --shape vectors only")
            }
        case .vectors:
            if users != nil || movies != nil || ratings != nil {
                throw ValidationError("--users, --movies and --ratings apply to --shape ml-20m only")
            }
            guard let count, count > 0 else { throw ValidationError("--shape vectors needs --count N (N > 0)") }
            guard let dim, dim > 0 else { throw ValidationError("--shape vectors needs --dim D (D > 0)") }
            guard let queries, queries > 0 else { throw ValidationError("--shape vectors needs --queries Q (Q > 0)") }
            guard k > 0 && k <= count else { throw ValidationError("--k must be in 1...\(count) (the base count)") }
        }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: out)
        switch shape {
        case .ml20m: try runMovieLens(directory)
        case .vectors: try runVectors(directory)
        }
    }

    private func runMovieLens(_ directory: URL) throws {
        let base = SyntheticMovieLens.Shape.ml20m
        let size = SyntheticMovieLens.Shape(
            users: users ?? base.users, movies: movies ?? base.movies, ratings: ratings ?? base.ratings)
        let generator = SyntheticMovieLens(shape: size, seed: seed, clusters: clusters)
        do { try generator.validate() } catch { throw ValidationError("\(error)") }
        let progress = ProgressReporter("synth ml-20m", total: size.ratings)
        let summary = try generator.write(to: directory, progress: progress)
        if json {
            try printJSON(summary)
        } else {
            print("""
            wrote \(directory.appendingPathComponent("ratings.csv").path) (\(summary.ratingsBytes) bytes) and movies.csv
              users \(summary.users), movies \(summary.movies) (\(summary.moviesRated) rated), ratings \(summary.ratings)
              ratings per user: min \(summary.minRatingsPerUser), median \(summary.medianRatingsPerUser), max \(summary.maxRatingsPerUser)
              ratings ≥ 4.0: \(String(format: "%.1f%%", summary.fractionAtLeast4 * 100)); most rated movie: \(String(format: "%.2f%%", summary.topMovieShare * 100)) of ratings
              \(summary.clusters) taste clusters, seed \(seed), \(String(format: "%.1f", summary.seconds)) s
            """)
        }
    }

    private func runVectors(_ directory: URL) throws {
        let generator = SyntheticVectors(
            count: count ?? 0, dimension: dim ?? 0, queries: queries ?? 0, clusters: clusters ?? 100, k: k, seed: seed)
        do { try generator.validate() } catch { throw ValidationError("\(error)") }
        let progress = ProgressReporter("synth vectors: ground truth", total: generator.queries)
        let summary = try generator.write(to: directory, progress: progress)
        if json {
            try printJSON(summary)
        } else {
            print("""
            wrote base.fvecs (\(summary.count) × \(summary.dimension)), queries.fvecs (\(summary.queries)) and \
            groundtruth.ivecs (k = \(summary.k), squared L2) in \(directory.path)
              \(summary.clusters) mixture components, seed \(seed); generate \(String(format: "%.1f", summary.generateSeconds)) s, \
            ground truth \(String(format: "%.1f", summary.groundTruthSeconds)) s, write \(String(format: "%.1f", summary.writeSeconds)) s
            """)
        }
    }
}
