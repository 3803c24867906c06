import Foundation

/// The layout of ML-100K: `u.data` (tab separated `user item rating timestamp`, no header), `u.item`
/// (`|` separated, ISO-8859-1: id, title, release date, video release date, IMDb URL, then one 0/1 flag
/// per genre) and `u.genre` (`name|index`).
enum MovieLens100K {
    /// The genres of ML-100K in flag order, used when `u.genre` is absent.
    static let defaultGenres = [
        "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
        "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
    ]

    /// Reads `u.genre`: genre names by flag index.
    static func readGenres(_ url: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: url.path) else { return defaultGenres }
        let file = try MappedFile(url)
        var names: [Int: String] = [:]
        for (number, bytes) in ByteText.lines(file.bytes) where !bytes.isEmpty {
            let fields = ByteText.decodeUTF8OrLatin1(bytes).components(separatedBy: "|")
            guard fields.count == 2, let index = Int(fields[1]), index >= 0, index < 1000 else {
                throw DatasetError.badLine(path: file.path, line: number, reason: "expected 'name|index'")
            }
            names[index] = fields[0]
        }
        guard !names.isEmpty else { throw DatasetError.emptyFile(path: file.path) }
        let count = (names.keys.max() ?? -1) + 1
        guard names.count == count else {
            throw DatasetError.badLine(path: file.path, line: 1, reason: "genre indices are not 0..<\(count) without gaps")
        }
        return (0..<count).map { names[$0]! }
    }

    /// Reads `u.item` with genre names from `genres`.
    static func readMovies(_ url: URL, genres: [String], skipBadLines: Bool) throws -> (movies: [Movie], skipped: Int) {
        try SeparatedMovieList.read(
            url, separator: "|", fieldCount: 5 + genres.count,
            layout: "id, title, release date, video release date, URL, \(genres.count) genre flags",
            idName: "movie id", skipBadLines: skipBadLines
        ) { id, fields in
            let flags = fields[5...]
            if let bad = flags.first(where: { $0 != "0" && $0 != "1" }) { return .bad(reason: "genre flag '\(bad)' is not 0 or 1") }
            let title = fields[1].trimmingCharacters(in: .whitespaces)
            let names = zip(flags, genres).compactMap { $0 == "1" ? $1 : nil }
            return .movie(Movie(id: id, title: title, year: Movie.year(fromTitle: title), genres: names))
        }
    }
}
