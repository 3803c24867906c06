import Foundation
import Support

/// The binary cache of a processed dataset: one artefact file (kind "dataset") holding the id maps, the
/// CSR and CSC arrays, the catalogue and the ingest report, with a `meta` section recording what it was
/// made from (source file names, sizes and modification times, threshold, skipBadLines, reader version).
///
/// A cache is current only when all of that matches; anything else makes `MovieLensDataset.load` parse
/// the text files again and rewrite it.
///
/// The matrix sections hold the in-memory layout, so a load verifies their checksums and hands them out
/// in place from the mapped file (`DenseColumn(mapped:owner:)`): no copy and no freshly zeroed memory. The
/// mapping lives as long as any matrix using it. A cache is only ever replaced by renaming a new file over
/// it (`ArtifactWriter`), which leaves existing mappings intact; truncating the file in place while a
/// process uses it would make that process fault (SIGBUS), as with any mapped file.
enum DatasetCache {
    static let fileName = "dataset.cache"
    static let kind = "dataset"
    /// Bumped whenever the readers or the cache layout change what a cache holds.
    /// 3: the matrix arrays are stored in their in-memory layout and loaded by mapping.
    static let readerVersion = 3

    /// What a cache was made from.
    struct Stamp: Codable, Equatable {
        struct Source: Codable, Equatable {
            var name: String
            var size: Int
            var modifiedSeconds: Int
            var modifiedNanoseconds: Int
        }
        var readerVersion = DatasetCache.readerVersion
        /// The dataset folder, absolute: two folders with the same name share a cache path under the models
        /// directory (`…/train/dataset.cache`), and sizes and times alone could match by chance.
        /// Optional so that a cache written before it existed decodes, mismatches and is rebuilt quietly.
        var directory: String?
        var format: DatasetFormat
        var threshold: Float
        var skipBadLines: Bool
        var sources: [Source]

        /// The stamp of the dataset in `directory` as it is now.
        init(directory: URL, format: DatasetFormat, options: LoadOptions) {
            self.directory = directory.standardizedFileURL.resolvingSymlinksInPath().path
            self.format = format
            threshold = options.threshold
            skipBadLines = options.skipBadLines
            sources = format.sourceFiles.compactMap { name in
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
        // The matrix arrays are stored exactly as they are held in memory (Int offsets, Int32 columns,
        // Float values, Int64 timestamps), so a load maps them instead of copying or widening them.
        for (name, m) in [("byUser", interactions.byUser), ("byItem", interactions.byItem)] {
            m.rowStart.withUnsafeBufferPointer { writer.add("\(name).rowStart", $0) }
            m.columnIndex.withUnsafeBufferPointer { writer.add("\(name).columns", $0) }
            m.values.withUnsafeBufferPointer { writer.add("\(name).values", $0) }
            m.timestamps.withUnsafeBufferPointer { writer.add("\(name).timestamps", $0) }
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
        var trace = Trace()
        // Sections are verified here: the small ones now, the matrix sections in parallel before they are mapped.
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

    /// Both matrices, read in place from the mapping (which they keep alive), after verifying their
    /// sections in parallel (largest first).
    private static func matrices(rows: Int, columns: Int, nnz: Int, _ reader: ArtifactReader) throws -> (CSRMatrix, CSRMatrix) {
        let names = ["byUser", "byItem"]
        let parts = ["timestamps", "columns", "values", "rowStart"]
        let sections = parts.flatMap { part in names.map { "\($0).\(part)" } }
        if verifyMatrices {
            let errors = Locked([Error?](repeating: nil, count: sections.count))
            parallelFor(sections.count) { range, _ in
                for i in range {
                    do { try reader.verify(sections[i]) } catch { errors.withLock { $0[i] = error } }
                }
            }
            if let error = errors.current.compactMap({ $0 }).first { throw error }
        }

        var result: [CSRMatrix] = []
        for (m, name) in names.enumerated() {
            let r = m == 0 ? rows : columns, c = m == 0 ? columns : rows
            let rowStart = DenseColumn(mapped: try reader.buffer("\(name).rowStart", as: Int.self), owner: reader)
            let columnIndex = DenseColumn(mapped: try reader.buffer("\(name).columns", as: Int32.self), owner: reader)
            let values = DenseColumn(mapped: try reader.buffer("\(name).values", as: Float.self), owner: reader)
            let times = DenseColumn(mapped: try reader.buffer("\(name).timestamps", as: Int64.self), owner: reader)
            guard rowStart.count == r + 1, rowStart.first == 0, rowStart.last == nnz else {
                throw Inconsistent(description: "\(name) row offsets do not match the header")
            }
            let decreasing = rowStart.withUnsafeBufferPointer { s in (0..<r).contains { s[$0] > s[$0 + 1] } }
            if decreasing { throw Inconsistent(description: "\(name) row offsets decrease") }
            guard columnIndex.count == nnz, values.count == nnz, times.count == nnz else {
                throw Inconsistent(description: "\(name) arrays do not match the header")
            }
            // Every index must name a row of the other side: a search or a score indexes with it unchecked
            // (found by the dataset-cache fuzz harness; one pass over nnz Int32s, ~10 ms for ML-20M).
            let outside = columnIndex.withUnsafeBufferPointer { ids in ids.contains { $0 < 0 || Int($0) >= c } }
            if outside { throw Inconsistent(description: "\(name) holds an index outside 0..<\(c)") }
            result.append(CSRMatrix(rows: r, columns: c, rowStart: rowStart, columnIndex: columnIndex,
                                    values: values, timestamps: times))
        }
        return (result[0], result[1])
    }

    /// Off with `MARQUEE_CACHE_NO_VERIFY` set, to measure what verifying the matrix sections costs.
    /// Integrity checks are on by default.
    static let verifyMatrices = ProcessInfo.processInfo.environment["MARQUEE_CACHE_NO_VERIFY"] == nil
}
