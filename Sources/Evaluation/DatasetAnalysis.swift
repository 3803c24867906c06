import Dataset
import Foundation
import Models

/// The numbers behind the report's Data section: counts, the ratings histogram, the long tail of
/// positives per movie (rank plot, top-1 % and top-10 % shares, Lorenz curve and Gini), user activity,
/// positives per month and the time split's cut, genres.
///
/// Encoded with the report's snake_case keys (`users`, `items`, `positives`, `gini`, `top1_share`,
/// `top10_share`, …). Data only: the figures are drawn elsewhere (`ReportFigures` in Workspace).
public struct DatasetAnalysis: Sendable, Equatable, Codable {
    /// Users with at least one rating.
    public var users: Int
    /// Movies with at least one rating.
    public var items: Int
    /// Movies the catalogue lists (rated or not; nil without a catalogue).
    public var catalogMovies: Int?
    /// Ratings.
    public var ratings: Int
    /// Ratings at or above `threshold`.
    public var positives: Int
    /// The positive threshold.
    public var threshold: Float
    /// ratings / (users × items).
    public var density: Double

    /// Ratings per half star: `rating` is the bin's centre (0.5, 1, …, 5), each rating rounded to the
    /// nearest half star.
    public struct RatingBin: Sendable, Equatable, Codable {
        /// The bin's centre, in stars (a multiple of 0.5).
        public var rating: Double
        /// Ratings in the bin.
        public var count: Int
    }
    /// Every half star from the lowest to the highest rating present.
    public var ratingHistogram: [RatingBin]

    /// Positives of each movie, most first (movies without positives at the end, as zeros).
    public var positivesByRank: [Int]
    /// Movies rated but never positively.
    public var moviesWithoutPositives: Int
    /// Share of positives taken by the top 1 % of movies (⌈0.01 · items⌉ movies, at least one).
    public var top1Share: Double
    /// Share of positives taken by the top 10 % of movies.
    public var top10Share: Double
    /// Gini index of positives per movie (`Concentration.gini`, over every rated movie).
    public var gini: Double
    /// The Lorenz curve of positives per movie at 0.5 % steps of movies.
    public var lorenz: [Concentration.LorenzPoint]
    /// Movies in the 80 % head: the fewest most popular movies that take 80 % of positives.
    public var headMovies: Int

    /// Users whose positive count falls in `lower..<upper` (powers of two).
    public struct ActivityBin: Sendable, Equatable, Codable {
        /// The smallest positive count in the bin (a power of two).
        public var lower: Int
        /// One past the largest count in the bin (`2 · lower`).
        public var upper: Int
        /// Users in the bin.
        public var users: Int
    }
    /// Positives per user on log bins [1, 2), [2, 4), [4, 8), … up to the most active user.
    public var userActivity: [ActivityBin]
    /// Users with ratings but no positive.
    public var usersWithoutPositives: Int
    /// The median of positives per user over users with at least one positive.
    public var medianUserPositives: Double
    /// The Gini index of positives per user (over users with at least one rating).
    public var userGini: Double

    /// Positives rated in one calendar month (UTC).
    public struct MonthCount: Sendable, Equatable, Codable {
        /// `YYYY-MM`.
        public var month: String
        /// The first second of the month (Unix time).
        public var start: Int64
        /// Positives whose timestamp falls in the month.
        public var positives: Int
    }
    /// Every month from the first positive's to the last's, empty months included.
    public var positivesPerMonth: [MonthCount]
    /// Earliest rating (Unix seconds; nil without ratings).
    public var firstTimestamp: Int64?
    /// Latest rating (Unix seconds; nil without ratings).
    public var lastTimestamp: Int64?

    /// The time split's cut.
    public struct TimeCut: Sendable, Equatable, Codable {
        /// The quantile of all timestamps.
        public var quantile: Double
        /// The cut time (`Split.timeCut`): positives after it are test.
        public var timestamp: Int64
        /// Positives after the cut.
        public var positivesAfter: Int
    }
    /// The time split's cut (nil unless a quantile was given).
    public var timeCut: TimeCut?

    /// Movies and positives per genre (from the catalogue), most positives first.
    public struct GenreCount: Sendable, Equatable, Codable {
        /// The genre name as the catalogue spells it.
        public var genre: String
        /// Rated movies of the genre.
        public var movies: Int
        /// Positives of those movies (a movie with several genres counts in each).
        public var positives: Int
    }
    /// Every genre of a rated movie, most positives first (ties by name; empty without a catalogue).
    public var genres: [GenreCount]

    enum CodingKeys: String, CodingKey {
        case users, items, catalogMovies = "catalog_movies", ratings, positives, threshold, density
        case ratingHistogram = "rating_histogram", positivesByRank = "positives_by_rank"
        case moviesWithoutPositives = "movies_without_positives", top1Share = "top1_share", top10Share = "top10_share"
        case gini, lorenz, headMovies = "head_movies", userActivity = "user_activity"
        case usersWithoutPositives = "users_without_positives", medianUserPositives = "median_user_positives"
        case userGini = "user_gini", positivesPerMonth = "positives_per_month", firstTimestamp = "first_timestamp"
        case lastTimestamp = "last_timestamp", timeCut = "time_cut", genres
    }

    /// Analyses the ratings of `data`.
    /// - Parameters:
    ///   - data: every rating of the dataset.
    ///   - catalog: the movies file (catalogue size and genres; nil: neither).
    ///   - timeCutQuantile: the time split's quantile, to mark its cut (nil: no cut).
    /// - Throws: `SplitError.quantileOutOfRange` for a quantile outside (0, 1).
    /// - Complexity: O(ratings + items log items).
    public init(_ data: Interactions, catalog: Catalog? = nil, timeCutQuantile: Double? = nil) throws {
        let m = data.byUser
        let threshold = data.threshold
        // Users and items with at least one rating (id maps from a supplied split may hold more).
        var activeUsers = 0
        for u in 0..<m.rows where m.count(ofRow: u) > 0 { activeUsers += 1 }
        var activeItems = 0
        for i in 0..<data.byItem.rows where data.byItem.count(ofRow: i) > 0 { activeItems += 1 }
        users = activeUsers
        items = activeItems
        catalogMovies = catalog?.count
        ratings = m.nonZeroCount
        self.threshold = threshold
        density = activeUsers > 0 && activeItems > 0 ? Double(ratings) / (Double(activeUsers) * Double(activeItems)) : 0

        // Ratings histogram on half stars, and the time range.
        var halfStars: [Int: Int] = [:]
        var first = Int64.max, last = Int64.min
        var positiveCount = 0
        for p in 0..<m.nonZeroCount {
            let v = m.values[p]
            halfStars[Int((Double(v) * 2).rounded()), default: 0] += 1
            let t = m.timestamps[p]
            first = min(first, t)
            last = max(last, t)
            if v >= threshold { positiveCount += 1 }
        }
        positives = positiveCount
        if let lo = halfStars.keys.min(), let hi = halfStars.keys.max() {
            ratingHistogram = (lo...hi).map { RatingBin(rating: Double($0) / 2, count: halfStars[$0] ?? 0) }
        } else {
            ratingHistogram = []
        }
        firstTimestamp = ratings > 0 ? first : nil
        lastTimestamp = ratings > 0 ? last : nil

        // The long tail of positives per movie, over the rated movies.
        let counts = Popularity(training: data).counts
        var rated: [Double] = []
        rated.reserveCapacity(activeItems)
        for i in 0..<data.byItem.rows where data.byItem.count(ofRow: i) > 0 { rated.append(Double(counts[i])) }
        positivesByRank = rated.map { Int($0) }.sorted(by: >)
        moviesWithoutPositives = rated.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        top1Share = rated.isEmpty ? 0 : Concentration.topShare(rated, fraction: 0.01)
        top10Share = rated.isEmpty ? 0 : Concentration.topShare(rated, fraction: 0.1)
        gini = Concentration.gini(rated)
        lorenz = Concentration.lorenz(rated, resolution: 200)
        let ratedFloats = rated.map { Float($0) }
        headMovies = Concentration.head(counts: ratedFloats, order: (0..<rated.count).sorted { rated[$0] > rated[$1] || (rated[$0] == rated[$1] && $0 < $1) },
                                        share: BeyondAccuracy.headShare).count

        // User activity.
        var perUser: [Int] = []
        perUser.reserveCapacity(activeUsers)
        for u in 0..<m.rows where m.count(ofRow: u) > 0 {
            var n = 0
            for p in m.range(ofRow: u) where m.values[p] >= threshold { n += 1 }
            perUser.append(n)
        }
        usersWithoutPositives = perUser.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        let active = perUser.filter { $0 > 0 }.sorted()
        medianUserPositives = active.isEmpty ? 0
            : active.count % 2 == 1 ? Double(active[active.count / 2]) : Double(active[active.count / 2 - 1] + active[active.count / 2]) / 2
        userGini = Concentration.gini(perUser.map(Double.init))
        var bins: [ActivityBin] = []
        if let most = active.last {
            var lower = 1
            while lower <= most {
                bins.append(ActivityBin(lower: lower, upper: lower * 2, users: 0))
                lower *= 2
            }
            for n in active { bins[Int(log2(Double(n)).rounded(.down))].users += 1 }
        }
        userActivity = bins

        // Positives per calendar month, and after the cut.
        var perMonth: [MonthCount] = []
        let cut = try timeCutQuantile.flatMap { try Split.timeCut(data, quantile: $0) }
        var afterCut = 0
        if positiveCount > 0 {
            var firstPositive = Int64.max, lastPositive = Int64.min
            for p in 0..<m.nonZeroCount where m.values[p] >= threshold {
                firstPositive = min(firstPositive, m.timestamps[p])
                lastPositive = max(lastPositive, m.timestamps[p])
            }
            let starts = Self.monthStarts(from: firstPositive, through: lastPositive)
            var monthCounts = [Int](repeating: 0, count: starts.count)
            for p in 0..<m.nonZeroCount where m.values[p] >= threshold {
                let t = m.timestamps[p]
                monthCounts[Self.bin(of: t, in: starts)] += 1
                if let cut, t > cut { afterCut += 1 }
            }
            perMonth = zip(starts, monthCounts).map { MonthCount(month: Self.monthLabel($0), start: $0, positives: $1) }
        }
        positivesPerMonth = perMonth
        if let cut, let q = timeCutQuantile { timeCut = TimeCut(quantile: q, timestamp: cut, positivesAfter: afterCut) } else { timeCut = nil }

        // Genres.
        var byGenre: [String: (movies: Int, positives: Int)] = [:]
        if let catalog {
            for i in 0..<data.itemCount where data.byItem.count(ofRow: i) > 0 {
                for g in catalog[data.items.externalId(of: i)]?.genres ?? [] {
                    byGenre[g, default: (0, 0)].movies += 1
                    byGenre[g, default: (0, 0)].positives += Int(counts[i])
                }
            }
        }
        genres = byGenre.map { GenreCount(genre: $0.key, movies: $0.value.movies, positives: $0.value.positives) }
            .sorted { $0.positives > $1.positives || ($0.positives == $1.positives && $0.genre < $1.genre) }
    }

    // MARK: - Calendar months (UTC)

    private static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    /// The first second (Unix time) of every UTC month from the one holding `first` to the one holding
    /// `last`.
    static func monthStarts(from first: Int64, through last: Int64) -> [Int64] {
        let start = calendar.dateInterval(of: .month, for: Date(timeIntervalSince1970: TimeInterval(first)))!.start
        var starts: [Int64] = []
        var month = start
        while Int64(month.timeIntervalSince1970) <= last {
            starts.append(Int64(month.timeIntervalSince1970))
            month = calendar.date(byAdding: .month, value: 1, to: month)!
        }
        return starts
    }

    /// The index of the last start ≤ `t` (binary search).
    @inline(__always)
    static func bin(of t: Int64, in starts: [Int64]) -> Int {
        var lo = 0, hi = starts.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if starts[mid] <= t { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// `YYYY-MM` of a month start.
    static func monthLabel(_ start: Int64) -> String {
        let parts = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: TimeInterval(start)))
        let month = parts.month!
        return "\(parts.year!)-\(month < 10 ? "0" : "")\(month)"
    }
}
