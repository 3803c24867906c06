import Foundation

/// The movie lists of the separator-delimited layouts (`movies.dat` of ML-1M/ML-10M, `u.item` of ML-100K):
/// one movie a line, the id first. A file that is not valid UTF-8 is read as ISO-8859-1.
enum SeparatedMovieList {
    /// What a layout makes of one line's fields.
    enum Line {
        case movie(Movie)
        case bad(reason: String)
    }

    /// Reads every non-empty line: checks the field count and the id (a non-negative integer, listed once)
    /// here, and leaves the rest of the line to `movie`.
    /// - Parameters:
    ///   - fieldCount: how many fields a line has; `layout` names them in the error.
    ///   - idName: the id field's name as the layout's documentation spells it.
    /// - Returns: the movies in file order and the number of malformed lines skipped.
    /// - Throws: `DatasetError.badLine` naming the file, line and problem (unless `skipBadLines`).
    static func read(
        _ url: URL, separator: String, fieldCount: Int, layout: String, idName: String, skipBadLines: Bool,
        movie: (_ id: Int32, _ fields: [String]) -> Line
    ) throws -> (movies: [Movie], skipped: Int) {
        let file = try MappedFile(url)
        guard file.count > 0 else { throw DatasetError.emptyFile(path: file.path) }
        let latin1 = ByteText.firstInvalidUTF8(file.bytes) != nil
        var movies: [Movie] = []
        var seen = Set<Int32>()
        var skipped = 0
        for (number, bytes) in ByteText.lines(file.bytes) where !bytes.isEmpty {
            let text = latin1 ? ByteText.latin1(bytes) : String(decoding: bytes, as: UTF8.self)
            let fields = text.components(separatedBy: separator)
            let reason: String
            if fields.count != fieldCount {
                reason = "expected \(fieldCount) fields separated by '\(separator)' (\(layout)), found \(fields.count)"
            } else if let id = Array(fields[0].utf8).datasetId {
                switch movie(id, fields) {
                case .movie(let parsed) where seen.insert(id).inserted:
                    movies.append(parsed)
                    continue
                case .movie:
                    reason = "\(idName) \(id) is listed twice"
                case .bad(let why):
                    reason = why
                }
            } else {
                reason = "\(idName) '\(fields[0])' is not a non-negative integer"
            }
            if skipBadLines { skipped += 1; continue }
            throw DatasetError.badLine(path: file.path, line: number, reason: reason)
        }
        return (movies, skipped)
    }
}
