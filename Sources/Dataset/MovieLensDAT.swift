import Foundation

/// The `::`-separated layout of ML-1M and ML-10M: `ratings.dat` (`UserID::MovieID::Rating::Timestamp`)
/// and `movies.dat` (`MovieID::Title::Genres`). ML-1M's movies file is ISO-8859-1, ML-10M's UTF-8: a file
/// that is not valid UTF-8 is read as ISO-8859-1.
enum MovieLensDAT {
    /// Reads `movies.dat`.
    /// - Returns: the movies in file order and the number of malformed lines skipped.
    static func readMovies(_ url: URL, skipBadLines: Bool) throws -> (movies: [Movie], skipped: Int) {
        try SeparatedMovieList.read(url, separator: "::", fieldCount: 3, layout: "MovieID::Title::Genres",
                                    idName: "MovieID", skipBadLines: skipBadLines) { id, fields in
            let title = fields[1].trimmingCharacters(in: .whitespaces)
            return .movie(Movie(id: id, title: title, year: Movie.year(fromTitle: title), genres: MovieLensCSV.genres(fields[2])))
        }
    }
}
