/// One movie of the catalogue.
public struct Movie: Sendable, Equatable, Codable {
    /// The dataset's own movie id.
    public let id: Int32
    /// Title as given in the movies file, e.g. "Toy Story (1995)".
    public let title: String
    /// Release year parsed from the title's trailing "(YYYY)", when present.
    public let year: Int?
    /// Genre names, e.g. ["Adventure", "Animation"]; empty when none are listed.
    public let genres: [String]
    /// IMDb id (the number in `tt0114709`), when the dataset links it (`links.csv`).
    public let imdbId: Int?
    /// The Movie Database id, when the dataset links it (`links.csv`).
    public let tmdbId: Int?

    /// A movie as the movies file (and `links.csv`) describes it.
    public init(id: Int32, title: String, year: Int?, genres: [String], imdbId: Int? = nil, tmdbId: Int? = nil) {
        self.id = id
        self.title = title
        self.year = year
        self.genres = genres
        self.imdbId = imdbId
        self.tmdbId = tmdbId
    }

    /// The year in a title that ends with "(YYYY)" (spaces around allowed), e.g. "Heat (1995)" → 1995.
    public static func year(fromTitle title: String) -> Int? {
        var chars = Array(title.utf8)
        while let last = chars.last, last == UInt8(ascii: " ") { chars.removeLast() }
        guard chars.count >= 6, chars[chars.count - 1] == UInt8(ascii: ")") else { return nil }
        // Accept "(1995)" and ranges like "(2007-2013)" / "(1995- )": take the first four digits after "(".
        guard let open = chars.lastIndex(of: UInt8(ascii: "(")) else { return nil }
        let digits = chars[(open + 1)...].prefix(4)
        guard digits.count == 4, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let y = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        return (1800...2100).contains(y) ? y : nil
    }
}

/// Every movie of a dataset's movies file, by the dataset's own id.
public struct Catalog: Sendable, Equatable {
    /// The movies in file order.
    public private(set) var movies: [Movie]
    private var position: [Int32: Int]

    /// A catalogue of `movies` (a repeated id: the later movie is found by ``subscript(_:)``).
    public init(movies: [Movie]) {
        self.movies = movies
        var p = [Int32: Int](minimumCapacity: movies.count)
        for (i, m) in movies.enumerated() { p[m.id] = i }
        position = p
    }

    /// The number of movies listed.
    public var count: Int { movies.count }

    /// The movie with this dataset id, if the movies file lists it.
    public subscript(id: Int32) -> Movie? {
        guard let i = position[id] else { return nil }
        return movies[i]
    }

    /// Whether the movies file lists this id.
    public func contains(_ id: Int32) -> Bool { position[id] != nil }
}
