import Foundation
import Support

/// The binary cache of a processed dataset: one artefact file (kind "dataset") holding the id maps, the
/// CSR and CSC arrays, the catalogue and the ingest report, with a `meta` section recording what it was
/// made from (source file names, sizes and modification times, threshold, skipBadLines, reader version).
///
/// A cache is current only when all of that matches; anything else makes `MovieLensDataset.load` parse
/// the text files again and rewrite it.
enum DatasetCache {
    static let fileName = "dataset.cache"
    static let kind = "dataset"
    /// Bumped whenever the readers or the cache layout change what a cache holds.
    static let readerVersion = 1

    /// What a cache was made from.
    struct Stamp: Codable, Equatable {
        struct Source: Codable, Equatable {
            var name: String
            var size: Int
            var modifiedSeconds: Int
            var modifiedNanoseconds: Int
        }
        var readerVersion = DatasetCache.readerVersion
        var format: DatasetFormat
        var threshold: Float
        var skipBadLines: Bool
        var sources: [Source]

        /// The stamp of the dataset in `directory` as it is now.
        init(directory: URL, format: DatasetFormat, options: LoadOptions) {
            self.format = format
            threshold = options.threshold
            skipBadLines = options.skipBadLines
            let names: [String]
            switch format {
            case .ml20m: names = ["ratings.csv", "movies.csv", "links.csv", "tags.csv"]
            case .ml1m: names = ["ratings.dat", "movies.dat"]
            case .ml100k: names = ["u.data", "u.item", "u.genre"]
            }
            sources = names.compactMap { name in
                var st = stat()
                guard stat(directory.appendingPathComponent(name).path, &st) == 0 else { return nil }
                return Source(name: name, size: Int(st.st_size), modifiedSeconds: Int(st.st_mtim.tv_sec),
                              modifiedNanoseconds: Int(st.st_mtim.tv_nsec))
            }
        }
    }

    /// The `meta` section.
    struct Meta: Codable {
        var stamp: Stamp
        var report: IngestReport
        var users: Int
        var items: Int
        var ratings: Int
        var catalog: Int
        var genreNames: [String]
    }

    // MARK: Writing

    /// Writes `dataset` to `url` atomically.
    static func write(_ dataset: MovieLensDataset, stamp: Stamp, to url: URL) throws {
        let interactions = dataset.interactions
        var writer = ArtifactWriter(kind: kind, kindVersion: UInt32(readerVersion))
        // Catalogue as flat arrays: titles as concatenated UTF-8, genres as indices into a name list.
        let movies = dataset.catalog.movies
        var genreNames: [String] = []
        var genreIndex: [String: Int32] = [:]
        var titleBytes: [UInt8] = [], titleEnds: [Int] = [], genreEnds: [Int] = [], genres: [Int32] = []
        var years: [Int32] = [], imdb: [Int64] = [], tmdb: [Int64] = []
        for m in movies {
            titleBytes += Array(m.title.utf8)
            titleEnds.append(titleBytes.count)
            for g in m.genres {
                if genreIndex[g] == nil { genreIndex[g] = Int32(genreNames.count); genreNames.append(g) }
                genres.append(genreIndex[g]!)
            }
            genreEnds.append(genres.count)
            years.append(m.year.map { Int32($0) } ?? Int32.min)
            imdb.append(m.imdbId.map { Int64($0) } ?? -1)
            tmdb.append(m.tmdbId.map { Int64($0) } ?? -1)
        }
        try writer.addMetadata(Meta(stamp: stamp, report: dataset.report, users: interactions.userCount, items: interactions.itemCount,
                                    ratings: interactions.ratingCount, catalog: movies.count, genreNames: genreNames))
        writer.add("users", interactions.users.externalIds)
        writer.add("items", interactions.items.externalIds)
        for (name, m) in [("byUser", interactions.byUser), ("byItem", interactions.byItem)] {
            writer.add("\(name).rowStart", m.rowStart)
            writer.add("\(name).columns", m.columnIndex)
            writer.add("\(name).values", m.values)
            writer.add("\(name).timestamps", m.timestamps)
        }
        writer.add("movies.ids", movies.map(\.id))
        writer.add("movies.titles", titleBytes)
        writer.add("movies.titleEnds", titleEnds)
        writer.add("movies.genres", genres)
        writer.add("movies.genreEnds", genreEnds)
        writer.add("movies.years", years)
        writer.add("movies.imdb", imdb)
        writer.add("movies.tmdb", tmdb)
        try writer.write(to: url)
    }

    // MARK: Reading

    /// A cache that is not what its header and sizes promise.
    struct Inconsistent: Error, CustomStringConvertible {
        var description: String
    }

    /// The dataset cached at `url`, or nil when the cache is not current for `stamp`.
    /// - Throws: when the file is damaged (`ArtifactError`, or `Inconsistent` for sizes that do not add up).
    static func load(from url: URL, expecting stamp: Stamp) throws -> MovieLensDataset? {
        let reader = try ArtifactReader(url: url, expectedKind: kind, verifyChecksums: true)
        guard reader.kindVersion == UInt32(readerVersion) else { return nil }
        let meta = try reader.metadata(Meta.self)
        guard meta.stamp == stamp else { return nil }

        let users = IdMap(sortedUnique: try reader.array("users", as: Int32.self))
        let items = IdMap(sortedUnique: try reader.array("items", as: Int32.self))
        guard users.count == meta.users, items.count == meta.items else { throw Inconsistent(description: "id maps do not match the header") }
        let byUser = try matrix("byUser", rows: users.count, columns: items.count, nnz: meta.ratings, reader)
        let byItem = try matrix("byItem", rows: items.count, columns: users.count, nnz: meta.ratings, reader)

        let ids = try reader.array("movies.ids", as: Int32.self)
        let titles = try reader.buffer("movies.titles", as: UInt8.self)
        let titleEnds = try reader.buffer("movies.titleEnds", as: Int.self)
        let genres = try reader.buffer("movies.genres", as: Int32.self)
        let genreEnds = try reader.buffer("movies.genreEnds", as: Int.self)
        let years = try reader.buffer("movies.years", as: Int32.self)
        let imdb = try reader.buffer("movies.imdb", as: Int64.self)
        let tmdb = try reader.buffer("movies.tmdb", as: Int64.self)
        let n = meta.catalog
        guard ids.count == n, titleEnds.count == n, genreEnds.count == n, years.count == n, imdb.count == n, tmdb.count == n else {
            throw Inconsistent(description: "catalogue arrays do not match the header")
        }
        var movies: [Movie] = []
        movies.reserveCapacity(n)
        var titleStart = 0, genreStart = 0
        for i in 0..<n {
            let titleEnd = titleEnds[i], genreEnd = genreEnds[i]
            guard titleStart <= titleEnd, titleEnd <= titles.count, genreStart <= genreEnd, genreEnd <= genres.count else {
                throw Inconsistent(description: "catalogue offsets out of range")
            }
            let title = String(decoding: UnsafeBufferPointer(rebasing: titles[titleStart..<titleEnd]), as: UTF8.self)
            var names: [String] = []
            for g in genres[genreStart..<genreEnd] {
                guard g >= 0, Int(g) < meta.genreNames.count else { throw Inconsistent(description: "genre index out of range") }
                names.append(meta.genreNames[Int(g)])
            }
            movies.append(Movie(id: ids[i], title: title, year: years[i] == Int32.min ? nil : Int(years[i]), genres: names,
                                imdbId: imdb[i] < 0 ? nil : Int(imdb[i]), tmdbId: tmdb[i] < 0 ? nil : Int(tmdb[i])))
            titleStart = titleEnd
            genreStart = genreEnd
        }
        let interactions = Interactions(users: users, items: items, byUser: byUser, byItem: byItem, threshold: meta.stamp.threshold)
        return MovieLensDataset(format: meta.stamp.format, interactions: interactions, catalog: Catalog(movies: movies), report: meta.report)
    }

    private static func matrix(_ name: String, rows: Int, columns: Int, nnz: Int, _ reader: ArtifactReader) throws -> CSRMatrix {
        let rowStart = try reader.array("\(name).rowStart", as: Int.self)
        guard rowStart.count == rows + 1, rowStart.first == 0, rowStart.last == nnz else {
            throw Inconsistent(description: "\(name) row offsets do not match the header")
        }
        for r in 0..<rows where rowStart[r] > rowStart[r + 1] { throw Inconsistent(description: "\(name) row offsets decrease") }
        let columnIndex = try reader.array("\(name).columns", as: Int32.self)
        let values = try reader.array("\(name).values", as: Float.self)
        let timestamps = try reader.array("\(name).timestamps", as: Int64.self)
        guard columnIndex.count == nnz, values.count == nnz, timestamps.count == nnz else {
            throw Inconsistent(description: "\(name) arrays do not match the header")
        }
        return CSRMatrix(rows: rows, columns: columns, rowStart: rowStart, columnIndex: columnIndex, values: values, timestamps: timestamps)
    }
}
