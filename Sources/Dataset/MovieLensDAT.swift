import Foundation

/// The `::`-separated layout of ML-1M and ML-10M: `ratings.dat` (`UserID::MovieID::Rating::Timestamp`)
/// and `movies.dat` (`MovieID::Title::Genres`). ML-1M's movies file is ISO-8859-1, ML-10M's UTF-8: a file
/// that is not valid UTF-8 is read as ISO-8859-1.
enum MovieLensDAT {
    /// Parses `ratings.dat` (no header).
    static func readRatings(_ url: URL, skipBadLines: Bool, chunkSize: Int = RatingsParser.defaultChunkSize,
                            threads: Int = ParallelWork.defaultThreads) throws -> ParsedRatings {
        let file = try MappedFile(url)
        guard file.count > 0 else { throw DatasetError.emptyFile(path: file.path) }
        return try RatingsParser.parse(file, layout: .dat, bodyStart: ByteText.byteOrderMarkLength(file.bytes),
                                       skipBadLines: skipBadLines, chunkSize: chunkSize, threads: threads)
    }

    /// Reads `movies.dat`.
    /// - Returns: the movies in file order and the number of malformed lines skipped.
    static func readMovies(_ url: URL, skipBadLines: Bool) throws -> (movies: [Movie], skipped: Int) {
        let file = try MappedFile(url)
        guard file.count > 0 else { throw DatasetError.emptyFile(path: file.path) }
        let latin1 = ByteText.firstInvalidUTF8(file.bytes) != nil
        var movies: [Movie] = []
        var seen = Set<Int32>()
        var skipped = 0
        for (number, bytes) in ByteText.lines(file.bytes) where !bytes.isEmpty {
            let text = latin1 ? ByteText.latin1(bytes) : String(decoding: bytes, as: UTF8.self)
            let fields = text.components(separatedBy: "::")
            let reason: String?
            if fields.count != 3 {
                reason = "expected 3 fields separated by '::' (MovieID::Title::Genres), found \(fields.count)"
            } else if let id = Array(fields[0].utf8).datasetId {
                if seen.insert(id).inserted {
                    let title = fields[1].trimmingCharacters(in: .whitespaces)
                    movies.append(Movie(id: id, title: title, year: Movie.year(fromTitle: title), genres: MovieLensCSV.genres(fields[2])))
                    reason = nil
                } else {
                    reason = "MovieID \(id) is listed twice"
                }
            } else {
                reason = "MovieID '\(fields[0])' is not a non-negative integer"
            }
            if let reason {
                if skipBadLines { skipped += 1; continue }
                throw DatasetError.badLine(path: file.path, line: number, reason: reason)
            }
        }
        return (movies, skipped)
    }
}
