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
    static let readerVersion = 2

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
        // The load time is the reader's own; leaving it out makes the file depend on its contents only.
        var report = dataset.report
        report.seconds = 0
        try writer.addMetadata(Meta(stamp: stamp, report: report, users: interactions.userCount, items: interactions.itemCount,
                                    ratings: interactions.ratingCount, catalog: movies.count, genreNames: genreNames))
        writer.add("users", interactions.users.externalIds)
        writer.add("items", interactions.items.externalIds)
        // Ratings in half stars take one byte and timestamps before 2038 four, which makes the cache
        // about half as large and its loading faster; other values are stored as they are.
        for (name, m) in [("byUser", interactions.byUser), ("byItem", interactions.byItem)] {
            writer.add("\(name).rowStart", m.rowStart)
            writer.add("\(name).columns", m.columnIndex)
            if let halves = halfStars(m.values) { writer.add("\(name).halfStars", halves) } else { writer.add("\(name).values", m.values) }
            if let narrow = narrowed(m.timestamps) { writer.add("\(name).timestamps32", narrow) } else { writer.add("\(name).timestamps", m.timestamps) }
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

    /// The values as half stars (1...10), or nil when one is not a half star in 0.5–5.
    static func halfStars(_ values: [Float]) -> [UInt8]? {
        var ok = true
        let halves = LargeArray.make(UInt8.self, count: values.count) { out in
            values.withUnsafeBufferPointer { v in
                for i in 0..<v.count {
                    let h = v[i] * 2
                    ok = ok && h >= 1 && h <= 10 && h == h.rounded()
                    out[i] = ok ? UInt8(h) : 0
                }
            }
        }
        return ok ? halves : nil
    }

    /// The timestamps as `Int32`, or nil when one does not fit.
    static func narrowed(_ times: [Int64]) -> [Int32]? {
        var ok = true
        let narrow = LargeArray.make(Int32.self, count: times.count) { out in
            times.withUnsafeBufferPointer { t in
                for i in 0..<t.count {
                    ok = ok && t[i] >= Int64(Int32.min) && t[i] <= Int64(Int32.max)
                    out[i] = Int32(truncatingIfNeeded: t[i])
                }
            }
        }
        return ok ? narrow : nil
    }

    // MARK: Reading

    /// A cache that is not what its header and sizes promise.
    struct Inconsistent: Error, CustomStringConvertible {
        var description: String
    }

    /// The dataset cached at `url`, or nil when the cache is not current for `stamp`.
    /// - Throws: when the file is damaged (`ArtifactError`, or `Inconsistent` for sizes that do not add up).
    static func load(from url: URL, expecting stamp: Stamp) throws -> MovieLensDataset? {
        var trace = Trace()
        // Sections are verified here, the large ones in parallel while they are copied.
        let reader = try ArtifactReader(url: url, expectedKind: kind, verifyChecksums: false)
        guard reader.kindVersion == UInt32(readerVersion) else { return nil }
        try reader.verify("meta")
        let meta = try reader.metadata(Meta.self)
        guard meta.stamp == stamp else { return nil }
        for name in reader.sections.keys where !name.hasPrefix("byUser.") && !name.hasPrefix("byItem.") { try reader.verify(name) }
        trace.mark("cache: open and verify small")

        let users = IdMap(sortedUnique: try reader.array("users", as: Int32.self))
        let items = IdMap(sortedUnique: try reader.array("items", as: Int32.self))
        guard users.count == meta.users, items.count == meta.items else { throw Inconsistent(description: "id maps do not match the header") }
        let (byUser, byItem) = try matrices(rows: users.count, columns: items.count, nnz: meta.ratings, reader)
        trace.mark("cache: matrices")

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
        trace.mark("cache: catalogue")
        let interactions = Interactions(users: users, items: items, byUser: byUser, byItem: byItem, threshold: meta.stamp.threshold)
        return MovieLensDataset(format: meta.stamp.format, interactions: interactions, catalog: Catalog(movies: movies), report: meta.report)
    }

    /// A result slot one parallel task fills.
    private final class Slot<T>: @unchecked Sendable { var value: [T] = [] }

    /// Both matrices, each section verified and copied (widened where stored narrow) in parallel.
    private static func matrices(rows: Int, columns: Int, nnz: Int, _ reader: ArtifactReader) throws -> (CSRMatrix, CSRMatrix) {
        let names = ["byUser", "byItem"]
        let rowStarts = [Slot<Int>(), Slot<Int>()], columnIndex = [Slot<Int32>(), Slot<Int32>()]
        let values = [Slot<Float>(), Slot<Float>()], times = [Slot<Int64>(), Slot<Int64>()]
        var tasks: [@Sendable () throws -> Void] = []
        for (m, name) in names.enumerated() {
            tasks.append { rowStarts[m].value = try copy("\(name).rowStart", reader) }
            tasks.append { columnIndex[m].value = try copy("\(name).columns", reader) }
            if reader.has("\(name).halfStars") {
                tasks.append {
                    try reader.verify("\(name).halfStars")
                    let halves = try reader.buffer("\(name).halfStars", as: UInt8.self)
                    values[m].value = LargeArray.make(Float.self, count: halves.count) { out in
                        for i in 0..<halves.count { out[i] = Float(halves[i]) * 0.5 }
                    }
                }
            } else {
                tasks.append { values[m].value = try copy("\(name).values", reader) }
            }
            if reader.has("\(name).timestamps32") {
                tasks.append {
                    try reader.verify("\(name).timestamps32")
                    let narrow = try reader.buffer("\(name).timestamps32", as: Int32.self)
                    times[m].value = LargeArray.make(Int64.self, count: narrow.count) { out in
                        for i in 0..<narrow.count { out[i] = Int64(narrow[i]) }
                    }
                }
            } else {
                tasks.append { times[m].value = try copy("\(name).timestamps", reader) }
            }
        }
        let errors = Slot<Error?>()
        errors.value = Array(repeating: nil, count: tasks.count)
        let lock = NSLock()
        let shared = Unchecked(tasks)
        // Largest first: timestamps, columns, values, offsets.
        let order = [3, 7, 1, 5, 2, 6, 0, 4].filter { $0 < tasks.count }
        ParallelWork.run(order.count) { i in
            do { try shared.value[order[i]]() } catch { lock.lock(); errors.value[order[i]] = error; lock.unlock() }
        }
        if let error = errors.value.compactMap({ $0 }).first { throw error }

        var result: [CSRMatrix] = []
        for (m, name) in names.enumerated() {
            let r = m == 0 ? rows : columns, c = m == 0 ? columns : rows
            let rowStart = rowStarts[m].value
            guard rowStart.count == r + 1, rowStart.first == 0, rowStart.last == nnz else {
                throw Inconsistent(description: "\(name) row offsets do not match the header")
            }
            for i in 0..<r where rowStart[i] > rowStart[i + 1] { throw Inconsistent(description: "\(name) row offsets decrease") }
            guard columnIndex[m].value.count == nnz, values[m].value.count == nnz, times[m].value.count == nnz else {
                throw Inconsistent(description: "\(name) arrays do not match the header")
            }
            result.append(CSRMatrix(rows: r, columns: c, rowStart: rowStart, columnIndex: columnIndex[m].value,
                                    values: values[m].value, timestamps: times[m].value))
            rowStarts[m].value = []; columnIndex[m].value = []; values[m].value = []; times[m].value = []
        }
        return (result[0], result[1])
    }

    /// Section `name` verified and copied into a new array.
    private static func copy<T: ArtifactElement>(_ name: String, _ reader: ArtifactReader) throws -> [T] {
        try reader.verify(name)
        let source = try reader.buffer(name, as: T.self)
        return LargeArray.make(T.self, count: source.count) { out in
            if let base = source.baseAddress { out.baseAddress!.update(from: base, count: source.count) }
        }
    }
}
