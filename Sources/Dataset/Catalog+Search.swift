import Foundation

/// Finding movies by title, as people type them.
extension Catalog {
    /// The outcome of looking a title up.
    public enum TitleMatch: Sendable, Equatable {
        /// Exactly one movie: the title whole (case-insensitive), else a unique prefix.
        case found(Movie)
        /// Several movies share the prefix (the first ten, catalogue order).
        case ambiguous([Movie])
        /// No movie; the closest titles (containing the text, else nearest by edit distance), maybe empty.
        case notFound(closeMatches: [Movie])
    }

    /// Looks up a movie by title: exact match ignoring case, else a unique prefix ("heat (" finds
    /// "Heat (1995)"); otherwise the candidates or close matches.
    /// - Complexity: O(movies · title length); the edit-distance fallback O(movies · text²).
    public func match(title text: String) -> TitleMatch {
        let wanted = text.lowercased().trimmingCharacters(in: .whitespaces)
        let exact = movies.filter { $0.title.lowercased() == wanted }
        if exact.count == 1 { return .found(exact[0]) }
        let prefixed = exact.isEmpty ? movies.filter { $0.title.lowercased().hasPrefix(wanted) } : exact
        if prefixed.count == 1 { return .found(prefixed[0]) }
        if prefixed.count > 1 { return .ambiguous(Array(prefixed.prefix(10))) }
        return .notFound(closeMatches: closeMatches(wanted))
    }

    /// The movie titled `text` (see `match(title:)`).
    /// - Throws: `TitleLookupError` listing the candidates or close matches.
    public func movie(titled text: String) throws -> Movie {
        switch match(title: text) {
        case let .found(movie): return movie
        case let .ambiguous(movies): throw TitleLookupError.ambiguous(text, candidates: movies)
        case let .notFound(close): throw TitleLookupError.notFound(text, closeMatches: close)
        }
    }

    /// Titles containing the text, else the titles nearest by edit distance (over the same length).
    private func closeMatches(_ wanted: String) -> [Movie] {
        guard !wanted.isEmpty else { return [] }
        let containing = movies.filter { $0.title.lowercased().contains(wanted) }
        if !containing.isEmpty { return Array(containing.prefix(5)) }
        let target = Array(wanted.utf8)
        let scored = movies.map { movie -> (Int, Movie) in
            let title = Array(movie.title.lowercased().utf8.prefix(target.count + 2))
            return (Self.editDistance(target, title), movie)
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

/// A title that names no movie, or several.
public enum TitleLookupError: Error, CustomStringConvertible, Equatable {
    case ambiguous(String, candidates: [Movie])
    case notFound(String, closeMatches: [Movie])

    public var description: String {
        func list(_ movies: [Movie]) -> String { movies.map { "  \($0.title)  (movie id \($0.id))" }.joined(separator: "\n") }
        switch self {
        case let .ambiguous(text, candidates):
            return "\"\(text)\" matches several movies; say which:\n" + list(candidates)
        case let .notFound(text, close):
            return "no movie titled \"\(text)\"" + (close.isEmpty ? "" : "; did you mean:\n" + list(close))
        }
    }
}
