import Foundation
import Support

/// The MovieLens file layouts Marquee reads, detected from the files in a folder.
public enum DatasetFormat: String, Codable, Sendable, CaseIterable {
    /// `u.data` (tab separated) + `u.item` (`|` separated, ISO-8859-1) + `u.genre`.
    case ml100k = "ml-100k"
    /// `ratings.dat` + `movies.dat` (`::` separated; ML-1M is ISO-8859-1, ML-10M UTF-8).
    case ml1m = "ml-1m"
    /// `ratings.csv` + `movies.csv` with headers (ML-20M, ml-latest, ml-latest-small, ML-25M).
    case ml20m = "ml-20m"

    /// The ratings file of the layout; its presence in a folder identifies the layout.
    public var ratingsFile: String {
        switch self {
        case .ml100k: "u.data"
        case .ml1m: "ratings.dat"
        case .ml20m: "ratings.csv"
        }
    }

    /// Parses a ratings file in this layout (`ratings.csv` by its header; `ratings.dat` and `u.data`
    /// without one).
    /// - Parameters:
    ///   - chunkSize, threads: how the file is split and parsed (tests use tiny chunks).
    ///   - progress: advanced by the bytes parsed (its total is set to the file's size).
    func readRatings(_ url: URL, skipBadLines: Bool, chunkSize: Int = RatingsParser.defaultChunkSize,
                     threads: Int = Threads.count, progress: ProgressReporter? = nil) throws -> ParsedRatings {
        switch self {
        case .ml20m:
            try MovieLensCSV.readRatings(url, skipBadLines: skipBadLines, chunkSize: chunkSize, threads: threads, progress: progress)
        case .ml1m:
            try RatingsParser.parseHeaderless(url, layout: .dat, skipBadLines: skipBadLines, chunkSize: chunkSize, threads: threads,
                                              progress: progress)
        case .ml100k:
            try RatingsParser.parseHeaderless(url, layout: .tab, skipBadLines: skipBadLines, chunkSize: chunkSize, threads: threads,
                                              progress: progress)
        }
    }

    /// Every file the layout may read, the ratings file first (what the dataset cache watches).
    public var sourceFiles: [String] {
        switch self {
        case .ml100k: ["u.data", "u.item", "u.genre"]
        case .ml1m: ["ratings.dat", "movies.dat"]
        case .ml20m: ["ratings.csv", "movies.csv", "links.csv", "tags.csv"]
        }
    }
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

    /// Options with the CLI's defaults (threshold 4.0, stop at the first bad line, no cache).
    public init(threshold: Float = 4.0, skipBadLines: Bool = false, cacheDirectory: URL? = nil, ignoreCache: Bool = false) {
        self.threshold = threshold
        self.skipBadLines = skipBadLines
        self.cacheDirectory = cacheDirectory
        self.ignoreCache = ignoreCache
    }
}

/// Counts of what ingestion read; the shape of `marquee ingest --json`.
public struct IngestReport: Sendable, Equatable, Codable {
    /// The layout read.
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
    /// Ratings of movies absent from the movies file (kept).
    public var missingMovieRatings = 0
    /// Ratings lines read (before repeats are resolved).
    public var ratingLines = 0
    /// Tags in `tags.csv` (checked and counted; nil when the dataset has no tags file).
    public var tags: Int? = nil
    /// Wall time of loading (text files to interactions and catalogue, or the cache), in seconds.
    public var seconds = 0.0
    /// Whether the binary cache was loaded instead of the text files.
    public var fromCache = false

    enum CodingKeys: String, CodingKey {
        case format, users, items, catalog, ratings, positives, repeats, skipped
        case missingMovies = "missing_movies", missingMovieRatings = "missing_movie_ratings"
        case ratingLines = "rating_lines", tags, seconds, fromCache = "from_cache"
    }

    /// An all-zero report for `format`.
    public init(format: DatasetFormat) { self.format = format }

    /// What makes this dataset degenerate, for a front end to print (empty when it is sound).
    public var warnings: [String] {
        var notes: [String] = []
        if ratings > 0 && positives == 0 {
            notes.append("no rating reaches the positive threshold: every model has nothing to learn from (lower --threshold)")
        }
        if skipped > 0 { notes.append("\(skipped) malformed lines were skipped") }
        return notes
    }
}

/// A MovieLens dataset read as implicit feedback: interactions, catalogue and what was read.
public struct MovieLensDataset: Sendable {
    /// The layout the folder holds.
    public let format: DatasetFormat
    /// Every kept rating, as implicit feedback.
    public let interactions: Interactions
    /// The movies file.
    public let catalog: Catalog
    /// What was read, kept, dropped and how long it took.
    public internal(set) var report: IngestReport

    /// A dataset from parts already read (tests, splits supplied as files).
    public init(format: DatasetFormat, interactions: Interactions, catalog: Catalog, report: IngestReport) {
        self.format = format
        self.interactions = interactions
        self.catalog = catalog
        self.report = report
    }

    /// The format of the dataset in `directory`, from the files it holds.
    /// - Throws: `DatasetError.missingDirectory`, or `.unknownFormat` listing what the folder holds.
    public static func detectFormat(in directory: URL) throws -> DatasetFormat {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError.missingDirectory(path: directory.path)
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for format in [DatasetFormat.ml20m, .ml1m, .ml100k] where files.contains(format.ratingsFile) { return format }
        throw DatasetError.unknownFormat(path: directory.path, found: files.sorted())
    }

    /// Reads the dataset in `directory` (format detected), or its binary cache when current.
    ///
    /// With `options.cacheDirectory` set, a current cache (same source files, sizes and modification
    /// times, same threshold and skipBadLines, same reader version) is loaded instead of the text files;
    /// otherwise the text files are parsed and the cache is (re)written. A damaged cache is reported on
    /// standard error and rebuilt.
    /// - Parameters:
    ///   - directory: the dataset folder.
    ///   - options: threshold, bad-line policy and cache folder.
    ///   - progress: advanced by the bytes of the ratings file parsed (its total is set here);
    ///     untouched when the cache is loaded (a fraction of a second).
    /// - Throws: `DatasetError` naming the file, line and problem.
    public static func load(from directory: URL, options: LoadOptions = LoadOptions(),
                            progress: ProgressReporter? = nil) throws -> MovieLensDataset {
        let start = DispatchTime.now().uptimeNanoseconds
        let format = try detectFormat(in: directory)
        var cacheURL: URL? = nil
        var stamp: DatasetCache.Stamp? = nil
        if let cacheDirectory = options.cacheDirectory {
            let url = cacheDirectory.appendingPathComponent(DatasetCache.fileName)
            let s = DatasetCache.Stamp(directory: directory, format: format, options: options)
            cacheURL = url
            stamp = s
            if !options.ignoreCache, FileManager.default.fileExists(atPath: url.path) {
                do {
                    if var dataset = try DatasetCache.load(from: url, expecting: s) {
                        dataset.report.seconds = seconds(since: start)
                        dataset.report.fromCache = true
                        return dataset
                    }
                } catch {
                    printError("warning: dataset cache \(url.path) is damaged (\(error)); rebuilding it")
                }
            }
        }
        var dataset = try parse(directory, format: format, options: options, progress: progress)
        dataset.report.seconds = seconds(since: start)
        if let cacheURL, let stamp {
            do {
                var trace = Trace()
                try DatasetCache.write(dataset, stamp: stamp, to: cacheURL)
                trace.mark("write cache")
            } catch {
                printError("warning: could not write the dataset cache \(cacheURL.path): \(error)")
            }
        }
        return dataset
    }

    /// Reads the text files of the dataset in `directory` (no cache).
    /// - Parameters:
    ///   - chunkSize, threads: how the ratings file is split and parsed (tests use tiny chunks).
    static func parse(
        _ directory: URL, format: DatasetFormat, options: LoadOptions,
        chunkSize: Int = RatingsParser.defaultChunkSize, threads: Int = Threads.count, progress: ProgressReporter? = nil
    ) throws -> MovieLensDataset {
        var trace = Trace()
        var report = IngestReport(format: format)
        let skip = options.skipBadLines
        let ratingsURL = directory.appendingPathComponent(format.ratingsFile)
        let ratingsPath = ratingsURL.path
        func file(_ name: String) -> URL { directory.appendingPathComponent(name) }
        var parsed = try format.readRatings(ratingsURL, skipBadLines: skip, chunkSize: chunkSize, threads: threads, progress: progress)
        progress?.finish()
        var read: (movies: [Movie], skipped: Int)
        switch format {
        case .ml20m:
            read = try MovieLensCSV.readMovies(file("movies.csv"), skipBadLines: skip)
            if FileManager.default.fileExists(atPath: file("links.csv").path) {
                report.skipped += try MovieLensCSV.readLinks(file("links.csv"), into: &read.movies, skipBadLines: skip)
            }
            if FileManager.default.fileExists(atPath: file("tags.csv").path) {
                let counted = try MovieLensCSV.countTags(file("tags.csv"), skipBadLines: skip)
                report.tags = counted.tags
                report.skipped += counted.skipped
            }
        case .ml1m:
            read = try MovieLensDAT.readMovies(file("movies.dat"), skipBadLines: skip)
        case .ml100k:
            let genres = try MovieLens100K.readGenres(file("u.genre"))
            read = try MovieLens100K.readMovies(file("u.item"), genres: genres, skipBadLines: skip)
        }
        let movies = read.movies
        report.skipped += read.skipped
        trace.mark("read ratings and movies")
        report.skipped += parsed.skipped
        report.ratingLines = parsed.count
        guard report.ratingLines > 0 else { throw DatasetError.noRatings(path: ratingsPath) }

        let (interactions, build) = Interactions.build(from: &parsed, threshold: options.threshold)
        let catalog = Catalog(movies: movies)
        trace.mark("build interactions")
        report.users = interactions.userCount
        report.items = interactions.itemCount
        report.catalog = catalog.count
        report.ratings = interactions.ratingCount
        report.positives = interactions.positiveCount
        report.repeats = build.repeats
        for (i, id) in interactions.items.externalIds.enumerated() where !catalog.contains(id) {
            report.missingMovies += 1
            report.missingMovieRatings += interactions.byItem.count(ofRow: i)
        }
        trace.mark("report")
        return MovieLensDataset(format: format, interactions: interactions, catalog: catalog, report: report)
    }

    /// Reads a ratings file alone, for user-supplied train/test splits. The layout is chosen by the file
    /// name: `*.csv` (with a header naming the columns), `*.dat` (`::` separated), anything else tab
    /// separated like `u.data`. Parsed by the same fast parallel reader as `load`.
    /// - Returns: the ratings in file order and the number of malformed lines skipped.
    /// - Throws: `DatasetError` naming the file, line and problem.
    public static func readRatings(_ url: URL, skipBadLines: Bool = false) throws -> (table: RatingTable, skipped: Int) {
        let format: DatasetFormat
        switch url.pathExtension.lowercased() {
        case "csv": format = .ml20m
        case "dat": format = .ml1m
        default: format = .ml100k
        }
        let parsed = try format.readRatings(url, skipBadLines: skipBadLines)
        return (parsed.table, parsed.skipped)
    }

    private static func seconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
