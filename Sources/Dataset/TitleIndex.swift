import Foundation

/// Finding movies by title, as people type them: the catalogue's titles folded once (case, accents,
/// articles, years), so that each lookup is one pass over plain strings.
public struct TitleIndex: Sendable {
    /// The catalogue searched.
    public let catalog: Catalog
    private let folded: [String]
    private let names: [String]
    private let years: [Int?]

    /// Folds every title of `catalog`.
    /// - Complexity: O(movies · title length).
    public init(_ catalog: Catalog) {
        self.catalog = catalog
        folded = catalog.movies.map { Self.fold($0.title) }
        let keys = catalog.movies.map { Self.key($0.title) }
        names = keys.map(\.name)
        years = catalog.movies.map(\.year)
    }

    private var movies: [Movie] { catalog.movies }

    /// The outcome of looking a title up.
    public enum TitleMatch: Sendable, Equatable {
        /// Exactly one movie.
        case found(Movie)
        /// Several movies carry this very title (and year): nothing in the text tells them apart, but
        /// they are the same film to the person typing (a caller may pick the most rated and say so).
        case shared([Movie])
        /// Several different titles fit (the first ten, catalogue order): add the year or more words.
        case ambiguous([Movie])
        /// No movie; the closest titles (containing the text, else nearest by edit distance), maybe empty.
        case notFound(closeMatches: [Movie])
    }

    /// Looks up a movie by title, in this order:
    /// 1. `#ID` alone, or a title followed by `#ID`: that movie id (the title, if given, must fit it);
    /// 2. the whole title, ignoring case and accents ("amelie (2001)" finds "Amélie (2001)");
    /// 3. the title without its year, with a trailing article put back in front ("Les Misérables" finds
    ///    "Misérables, Les (1995)" and its remakes), narrowed by a year when the text gives one
    ///    ("Sabrina (1954)", "Sabrina 1954");
    /// 4. a unique prefix of the title ("heat (" finds "Heat (1995)");
    /// 5. otherwise the candidates or close matches.
    /// - Complexity: O(movies · title length); the edit-distance fallback O(movies · text²).
    public func match(title text: String) -> TitleMatch {
        var query = text.trimmingCharacters(in: .whitespaces)
        if let (rest, id) = Self.splitTrailingId(query) {
            guard let movie = catalog[id] else { return .notFound(closeMatches: []) }
            if rest.isEmpty { return .found(movie) }
            let fits = Self.fold(movie.title).hasPrefix(Self.fold(rest)) || Self.key(movie.title).name == Self.key(rest).name
            return fits ? .found(movie) : .notFound(closeMatches: [movie])
        }
        query = Self.fold(query)
        guard !query.isEmpty else { return .notFound(closeMatches: []) }

        let exact = movies.indices.filter { folded[$0] == query }
        if exact.count == 1 { return .found(movies[exact[0]]) }
        if exact.count > 1 { return .shared(exact.map { movies[$0] }) }

        let wanted = Self.key(text)
        let byName = movies.indices.filter { names[$0] == wanted.name && (wanted.year == nil || years[$0] == wanted.year) }
        if byName.count == 1 { return .found(movies[byName[0]]) }
        if byName.count > 1 {
            let sameTitle = Set(byName.map { folded[$0] }).count == 1
            return sameTitle ? .shared(byName.map { movies[$0] }) : .ambiguous(byName.prefix(10).map { movies[$0] })
        }

        let prefixed = movies.indices.filter { folded[$0].hasPrefix(query) }.map { movies[$0] }
        if prefixed.count == 1 { return .found(prefixed[0]) }
        if prefixed.count > 1 { return .ambiguous(Array(prefixed.prefix(10))) }
        return .notFound(closeMatches: closeMatches(query))
    }

    /// Titles that fit `text` best first, for search as you type: exact and same-name titles, then
    /// prefixes, then titles containing the text (`limit` at most; no edit-distance guesses).
    /// - Complexity: O(movies · title length).
    public func search(_ text: String, limit: Int) -> [Movie] {
        let query = Self.fold(text.trimmingCharacters(in: .whitespaces))
        guard !query.isEmpty, limit > 0 else { return [] }
        let name = Self.key(text).name
        var ranked: [(rank: Int, movie: Movie)] = []
        for (i, movie) in movies.enumerated() {
            let title = folded[i]
            let rank: Int
            if title == query || names[i] == name { rank = 0 }
            else if title.hasPrefix(query) || names[i].hasPrefix(name) { rank = 1 }
            else if title.contains(query) { rank = 2 }
            else { continue }
            ranked.append((rank, movie))
        }
        ranked.sort { $0.rank < $1.rank || ($0.rank == $1.rank && ($0.movie.title.count < $1.movie.title.count
            || ($0.movie.title.count == $1.movie.title.count && $0.movie.id < $1.movie.id))) }
        return ranked.prefix(limit).map(\.movie)
    }

    /// The movie titled `text` (see `match(title:)`); of several that share the title, the first listed.
    /// - Throws: `TitleLookupError` listing the candidates or close matches.
    public func movie(titled text: String) throws -> Movie {
        switch match(title: text) {
        case let .found(movie): return movie
        case let .shared(movies): return movies[0]
        case let .ambiguous(movies): throw TitleLookupError.ambiguous(text, candidates: movies)
        case let .notFound(close): throw TitleLookupError.notFound(text, closeMatches: close)
        }
    }

    /// Lower case, accents removed, inner runs of spaces collapsed.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// Articles MovieLens moves behind the title ("Misérables, Les").
    private static let articles: Set<String> = ["the", "a", "an", "les", "la", "le", "l'", "il", "el", "das", "der", "die", "los", "las"]

    /// The title's name without a trailing year and with a trailing article moved to the front, folded;
    /// and the year, when the text ends with "(YYYY)" or " YYYY".
    static func key(_ title: String) -> (name: String, year: Int?) {
        var name = fold(title)
        var year: Int? = nil
        if let y = Movie.year(fromTitle: name), let open = name.lastIndex(of: "(") {
            year = y
            name = String(name[..<open]).trimmingCharacters(in: .whitespaces)
        } else if name.count > 5, let y = Int(name.suffix(4)), (1800...2100).contains(y), name.dropLast(4).last == " " {
            year = y
            name = String(name.dropLast(5))
        }
        if let comma = name.lastIndex(of: ",") {
            let article = name[name.index(after: comma)...].trimmingCharacters(in: .whitespaces)
            if articles.contains(article) {
                let head = name[..<comma].trimmingCharacters(in: .whitespaces)
                name = article.hasSuffix("'") ? article + head : article + " " + head
            }
        }
        return (name, year)
    }

    /// "Emma (1996) #838" → ("Emma (1996)", 838); "#838" → ("", 838); nil without a trailing `#digits`.
    private static func splitTrailingId(_ text: String) -> (String, Int32)? {
        guard let hash = text.lastIndex(of: "#") else { return nil }
        let digits = text[text.index(after: hash)...].trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let id = Int32(digits) else { return nil }
        return (text[..<hash].trimmingCharacters(in: .whitespaces), id)
    }

    /// Titles containing the text, else the titles nearest by edit distance (over the same length).
    private func closeMatches(_ wanted: String) -> [Movie] {
        let containing = movies.indices.filter { folded[$0].contains(wanted) }
        if !containing.isEmpty { return containing.prefix(5).map { movies[$0] } }
        let target = Array(wanted.utf8)
        let scored = movies.indices.map { i -> (Int, Movie) in
            let title = Array(folded[i].utf8.prefix(target.count + 2))
            return (Self.editDistance(target, title), movies[i])
        }
        return scored.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1.id < $1.1.id) }.prefix(5).map(\.1)
    }

    /// Levenshtein distance between two byte strings.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension Catalog {
    /// See `TitleIndex.match(title:)` (folds the titles on each call; keep a `TitleIndex` for many lookups).
    public func match(title text: String) -> TitleIndex.TitleMatch { TitleIndex(self).match(title: text) }

    /// See `TitleIndex.movie(titled:)`.
    /// - Throws: `TitleLookupError`.
    public func movie(titled text: String) throws -> Movie { try TitleIndex(self).movie(titled: text) }
}

/// A title that names no movie, or several.
public enum TitleLookupError: Error, CustomStringConvertible, Equatable {
    /// The text fits several different movies (listed so the person can add the year or `#ID`).
    case ambiguous(String, candidates: [Movie])
    /// No movie fits; the closest titles, maybe none.
    case notFound(String, closeMatches: [Movie])

    public var description: String {
        func list(_ movies: [Movie]) -> String { movies.map { "  \($0.title)  (movie id \($0.id))" }.joined(separator: "\n") }
        switch self {
        case let .ambiguous(text, candidates):
            return "\"\(text)\" matches several movies; add the year, or \"#ID\" for one movie id:\n" + list(candidates)
        case let .notFound(text, close):
            return "no movie titled \"\(text)\"" + (close.isEmpty ? "" : "; did you mean:\n" + list(close))
        }
    }
}
