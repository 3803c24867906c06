import Foundation

/// The MovieLens file layouts Marquee reads, detected from the files in a folder.
public enum DatasetFormat: String, Codable, Sendable, CaseIterable {
    /// `u.data` (tab separated) + `u.item` (`|` separated, ISO-8859-1) + `u.genre`.
    case ml100k = "ml-100k"
    /// `ratings.dat` + `movies.dat` (`::` separated; ML-1M is ISO-8859-1, ML-10M UTF-8).
    case ml1m = "ml-1m"
    /// `ratings.csv` + `movies.csv` with headers (ML-20M, ml-latest, ml-latest-small, ML-25M).
    case ml20m = "ml-20m"
}

/// How to read a dataset.
public struct LoadOptions: Sendable, Equatable {
    /// A rating ≥ threshold is a positive.
    public var threshold: Float = 4.0
    /// Skip malformed lines (counted in the report) instead of stopping at the first.
    public var skipBadLines = false
    /// Folder of the binary cache; nil reads the text files every time and writes no cache.
    public var cacheDirectory: URL? = nil
    /// Read the text files even when a current cache exists (the cache is rewritten).
    public var ignoreCache = false

    public init(threshold: Float = 4.0, skipBadLines: Bool = false, cacheDirectory: URL? = nil, ignoreCache: Bool = false) {
        self.threshold = threshold
        self.skipBadLines = skipBadLines
        self.cacheDirectory = cacheDirectory
        self.ignoreCache = ignoreCache
    }
}

/// Counts of what ingestion read; the shape of `marquee ingest --json`.
public struct IngestReport: Sendable, Equatable, Codable {
    public var format: DatasetFormat
    /// Distinct users in the ratings.
    public var users = 0
    /// Distinct movies in the ratings.
    public var items = 0
    /// Movies in the movies file.
    public var catalog = 0
    /// Ratings kept (after repeats are resolved).
    public var ratings = 0
    /// Ratings ≥ threshold.
    public var positives = 0
    /// Repeated (user, movie) pairs dropped (latest timestamp wins).
    public var repeats = 0
    /// Malformed lines skipped (only with skipBadLines).
    public var skipped = 0
    /// Rated movies absent from the movies file (kept).
    public var missingMovies = 0
    /// Wall time of loading, in seconds.
    public var seconds = 0.0
    /// Whether the binary cache was loaded instead of the text files.
    public var fromCache = false

    enum CodingKeys: String, CodingKey {
        case format, users, items, catalog, ratings, positives, repeats, skipped
        case missingMovies = "missing_movies", seconds, fromCache = "from_cache"
    }

    public init(format: DatasetFormat) { self.format = format }
}

/// A MovieLens dataset read as implicit feedback: interactions, catalogue and what was read.
public struct MovieLensDataset: Sendable {
    public let format: DatasetFormat
    public let interactions: Interactions
    public let catalog: Catalog
    public let report: IngestReport

    public init(format: DatasetFormat, interactions: Interactions, catalog: Catalog, report: IngestReport) {
        self.format = format
        self.interactions = interactions
        self.catalog = catalog
        self.report = report
    }

    /// The format of the dataset in `directory`, from the files it holds.
    public static func detectFormat(in directory: URL) throws -> DatasetFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.missingDirectory(path: directory.path)
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if files.contains("ratings.csv") { return .ml20m }
        if files.contains("ratings.dat") { return .ml1m }
        if files.contains("u.data") { return .ml100k }
        throw DatasetError.unknownFormat(path: directory.path, found: files.sorted())
    }

    /// Reads the dataset in `directory` (format detected), or its binary cache when current.
    /// - Throws: `DatasetError` naming the file, line and problem.
    public static func load(from directory: URL, options: LoadOptions = LoadOptions()) throws -> MovieLensDataset {
        let start = Date()
        let format = try detectFormat(in: directory)
        guard format == .ml20m else {
            throw DatasetError.unreadable(path: directory.path, reason: "\(format.rawValue) reader not written yet")
        }
        let ratingsURL = directory.appendingPathComponent("ratings.csv")
        let (table, skipped) = try SimpleCSV.readRatings(ratingsURL, skipBadLines: options.skipBadLines)
        let catalog = try SimpleCSV.readMovies(directory.appendingPathComponent("movies.csv"))
        let (interactions, build) = Interactions.build(from: table, threshold: options.threshold)
        var report = IngestReport(format: format)
        report.users = interactions.userCount
        report.items = interactions.itemCount
        report.catalog = catalog.count
        report.ratings = interactions.ratingCount
        report.positives = interactions.positiveCount
        report.repeats = build.repeats
        report.skipped = skipped
        report.missingMovies = interactions.items.externalIds.filter { !catalog.contains($0) }.count
        report.seconds = Date().timeIntervalSince(start)
        return MovieLensDataset(format: format, interactions: interactions, catalog: catalog, report: report)
    }

    /// Reads a ratings file alone (any supported format, chosen by its name: `*.csv`, `*.dat`, `u.data`-style
    /// tab separated otherwise), for user-supplied train/test splits.
    public static func readRatings(_ url: URL, skipBadLines: Bool = false) throws -> (table: RatingTable, skipped: Int) {
        try SimpleCSV.readRatings(url, skipBadLines: skipBadLines)
    }
}

/// A plain, correct reader of the CSV layout (placeholder for the fast readers).
enum SimpleCSV {
    static func readRatings(_ url: URL, skipBadLines: Bool) throws -> (RatingTable, Int) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw DatasetError.missingFile(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw DatasetError.unreadable(path: url.path, reason: error.localizedDescription) }
        guard !data.isEmpty else { throw DatasetError.emptyFile(path: url.path) }
        guard let text = String(data: data, encoding: .utf8) else { throw DatasetError.invalidUTF8(path: url.path, line: 0) }
        var table = RatingTable()
        var skipped = 0
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if n == 0 || line.isEmpty { continue }
            let f = line.split(separator: ",")
            guard f.count == 4, let u = Int32(f[0]), let m = Int32(f[1]), let r = Float(f[2]), let t = Int64(f[3].trimmingCharacters(in: .whitespaces)),
                  r >= 0.5, r <= 5 else {
                if skipBadLines { skipped += 1; continue }
                throw DatasetError.badLine(path: url.path, line: n + 1, reason: "expected userId,movieId,rating,timestamp")
            }
            table.append(user: u, movie: m, rating: r, timestamp: t)
        }
        return (table, skipped)
    }

    static func readMovies(_ url: URL) throws -> Catalog {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return Catalog(movies: []) }
        var movies: [Movie] = []
        for (n, line) in text.split(separator: "\n").enumerated() where n > 0 {
            guard let comma = line.firstIndex(of: ","), let id = Int32(line[..<comma]) else { continue }
            let rest = line[line.index(after: comma)...]
            guard let last = rest.lastIndex(of: ",") else { continue }
            var title = String(rest[..<last])
            if title.hasPrefix("\"") { title = String(title.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") }
            let genres = rest[rest.index(after: last)...].split(separator: "|").map(String.init).filter { $0 != "(no genres listed)" }
            movies.append(Movie(id: id, title: title, year: Movie.year(fromTitle: title), genres: genres))
        }
        return Catalog(movies: movies)
    }
}
