import Foundation
import Support

/// The CSV layout of ML-20M, ml-latest, ml-latest-small and ML-25M (UTF-8, with headers):
/// `ratings.csv` (`userId,movieId,rating,timestamp`), `movies.csv` (`movieId,title,genres`, RFC 4180
/// quoting), and optional `tags.csv` (`userId,movieId,tag,timestamp`) and `links.csv`
/// (`movieId,imdbId,tmdbId`).
enum MovieLensCSV {
    static let ratingColumns = ["userId", "movieId", "rating", "timestamp"]

    /// Parses `ratings.csv`; its header names the columns (any order).
    static func readRatings(_ url: URL, skipBadLines: Bool, chunkSize: Int = RatingsParser.defaultChunkSize,
                            threads: Int = Threads.count, progress: ProgressReporter? = nil) throws -> ParsedRatings {
        let file = try MappedFile(url)
        guard file.count > 0 else { throw DatasetError.emptyFile(path: file.path) }
        let (header, bodyStart) = try CSVHeader.read(file.bytes, path: file.path)
        let order = try header.positions(of: ratingColumns, path: file.path)
        guard header.names.count == 4 else {
            throw DatasetError.badLine(path: file.path, line: 1,
                                       reason: "expected the 4 columns \(ratingColumns.joined(separator: ",")), found \(header.names.count): '\(header.text)'")
        }
        var layout = RatingsLayout.csv
        layout.order = order
        var trace = Trace()
        defer { trace.mark("parse \(url.lastPathComponent)") }
        return try RatingsParser.parse(file, layout: layout, bodyStart: bodyStart, skipBadLines: skipBadLines,
                                       chunkSize: chunkSize, threads: threads, progress: progress)
    }

    /// Reads `movies.csv`.
    /// - Returns: the movies in file order and the number of malformed lines skipped.
    static func readMovies(_ url: URL, skipBadLines: Bool) throws -> (movies: [Movie], skipped: Int) {
        let file = try MappedFile(url)
        try requireUTF8(file)
        guard file.count > 0 else { throw DatasetError.emptyFile(path: file.path) }
        let (header, bodyStart) = try CSVHeader.read(file.bytes, path: file.path)
        let columns = try header.positions(of: ["movieId", "title", "genres"], path: file.path)
        var reader = CSVRecordReader(file.bytes, startingAt: bodyStart, line: 2)
        var movies: [Movie] = []
        var skipped = 0
        var seen = Set<Int32>()
        try forEachRecord(&reader, path: file.path, skipBadLines: skipBadLines, skipped: &skipped) { line, fields in
            guard fields.count == header.names.count else {
                return "expected \(header.names.count) fields (\(header.text)), found \(fields.count)"
            }
            guard let id = fields[columns[0]].datasetId else { return "movieId '\(fields[columns[0]].utf8Text)' is not a non-negative integer" }
            guard seen.insert(id).inserted else { return "movieId \(id) is listed twice" }
            let title = fields[columns[1]].trimmedText
            movies.append(Movie(id: id, title: title, year: Movie.year(fromTitle: title), genres: fields[columns[2]].genreNames))
            return nil
        }
        return (movies, skipped)
    }

    /// Reads `links.csv` into `movies` (imdbId, tmdbId); links of movies not in the list are ignored.
    static func readLinks(_ url: URL, into movies: inout [Movie], skipBadLines: Bool) throws -> Int {
        let file = try MappedFile(url)
        try requireUTF8(file)
        guard file.count > 0 else { return 0 }
        let (header, bodyStart) = try CSVHeader.read(file.bytes, path: file.path)
        let columns = try header.positions(of: ["movieId", "imdbId", "tmdbId"], path: file.path)
        var position: [Int32: Int] = [:]
        for (i, m) in movies.enumerated() { position[m.id] = i }
        var reader = CSVRecordReader(file.bytes, startingAt: bodyStart, line: 2)
        var skipped = 0
        try forEachRecord(&reader, path: file.path, skipBadLines: skipBadLines, skipped: &skipped) { _, fields in
            guard fields.count == header.names.count else { return "expected \(header.names.count) fields (\(header.text)), found \(fields.count)" }
            guard let id = fields[columns[0]].datasetId else { return "movieId '\(fields[columns[0]].utf8Text)' is not a non-negative integer" }
            let imdb = fields[columns[1]], tmdb = fields[columns[2]]
            guard imdb.isEmpty || imdb.nonNegativeInteger != nil else { return "imdbId '\(imdb.utf8Text)' is not an integer" }
            guard tmdb.isEmpty || tmdb.nonNegativeInteger != nil else { return "tmdbId '\(tmdb.utf8Text)' is not an integer" }
            if let i = position[id] {
                let m = movies[i]
                movies[i] = Movie(id: m.id, title: m.title, year: m.year, genres: m.genres,
                                  imdbId: imdb.nonNegativeInteger, tmdbId: tmdb.nonNegativeInteger)
            }
            return nil
        }
        return skipped
    }

    /// Checks `tags.csv` line by line.
    /// - Returns: the number of tags and of malformed lines skipped.
    static func countTags(_ url: URL, skipBadLines: Bool) throws -> (tags: Int, skipped: Int) {
        let file = try MappedFile(url)
        try requireUTF8(file)
        guard file.count > 0 else { return (0, 0) }
        let (header, bodyStart) = try CSVHeader.read(file.bytes, path: file.path)
        let columns = try header.positions(of: ["userId", "movieId", "tag", "timestamp"], path: file.path)
        var reader = CSVRecordReader(file.bytes, startingAt: bodyStart, line: 2)
        var skipped = 0, tags = 0
        try forEachRecord(&reader, path: file.path, skipBadLines: skipBadLines, skipped: &skipped) { _, fields in
            guard fields.count == header.names.count else { return "expected \(header.names.count) fields (\(header.text)), found \(fields.count)" }
            guard fields[columns[0]].datasetId != nil else { return "userId '\(fields[columns[0]].utf8Text)' is not a non-negative integer" }
            guard fields[columns[1]].datasetId != nil else { return "movieId '\(fields[columns[1]].utf8Text)' is not a non-negative integer" }
            guard fields[columns[3]].nonNegativeInteger != nil else { return "timestamp '\(fields[columns[3]].utf8Text)' is not an integer" }
            tags += 1
            return nil
        }
        return (tags, skipped)
    }

    /// Genre names of a `Action|Comedy` field; "(no genres listed)" is no genre.
    static func genres(_ text: String) -> [String] { Array(text.utf8).genreNames }

    /// Throws `invalidUTF8` naming the line of the first invalid byte.
    static func requireUTF8(_ file: MappedFile) throws {
        if let bad = ByteText.firstInvalidUTF8(file.bytes) {
            throw DatasetError.invalidUTF8(path: file.path, line: file.lineNumber(atOffset: bad))
        }
    }

    /// Calls `check` on each record; a returned reason is a bad line (thrown, or skipped and counted).
    static func forEachRecord(
        _ reader: inout CSVRecordReader, path: String, skipBadLines: Bool, skipped: inout Int,
        _ check: (Int, [[UInt8]]) throws -> String?
    ) throws {
        while true {
            let record: (line: Int, fields: [[UInt8]])?
            do { record = try reader.next() } catch let p as CSVRecordReader.Problem {
                if skipBadLines { skipped += 1; break }
                throw DatasetError.badLine(path: path, line: p.line, reason: p.reason)
            }
            guard let record else { break }
            if let reason = try check(record.line, record.fields) {
                if skipBadLines { skipped += 1; continue }
                throw DatasetError.badLine(path: path, line: record.line, reason: reason)
            }
        }
    }
}
