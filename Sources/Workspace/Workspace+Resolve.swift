import Dataset
import Foundation

/// A movie as a person or a script names it: the dataset's movie id, or a title.
public enum MovieReference: Sendable, Equatable, CustomStringConvertible {
    /// The dataset's own movie id.
    case id(Int)
    /// A title as typed: whole or by a unique prefix, with or without its year, `Title #ID` to pick one
    /// of several movies with the same title (see `TitleIndex.match(title:)`).
    case title(String)

    /// `"Toy Story (1995);Heat (1995)"` → two titles (empty parts dropped).
    public static func list(_ text: String) -> [MovieReference] {
        text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { .title($0) }
    }

    public var description: String {
        switch self {
        case let .id(id): return "movie id \(id)"
        case let .title(text): return "\"\(text)\""
        }
    }
}

/// A movie found in the catalogue, with its dense index when anybody rated it.
public struct ResolvedMovie: Sendable, Equatable {
    public let movie: Movie
    /// Dense item index of the dataset's interactions, or nil when the movie has no rating.
    public let item: Int?
    /// What a person should know about how the movie was chosen (several movies share its title).
    public let note: String?
}

extension Workspace {
    /// The dense index of the dataset's user `id`.
    /// - Throws: `WorkspaceError.userIdOutOfRange` (ids are Int32), `.unknownUser`.
    public func user(id: Int) throws -> Int {
        guard let external = Int32(exactly: id), external >= 0 else { throw WorkspaceError.userIdOutOfRange(id) }
        guard let dense = interactions.users.index(of: external) else {
            let ids = interactions.users.externalIds
            throw WorkspaceError.unknownUser(id, dataset: dataDirectory.path, users: ids.count,
                                             firstId: ids.first.map { Int($0) }, lastId: ids.last.map { Int($0) })
        }
        return dense
    }

    /// The movie `reference` names. A title several movies share (same title and year) resolves to the
    /// most rated of them, and the note says which others there are and how to pick one.
    /// - Throws: `WorkspaceError.movieIdOutOfRange`, `.unknownMovie`, `.title` (no such title, or several
    ///   titles fit: the message lists them).
    public func movie(_ reference: MovieReference) throws -> ResolvedMovie {
        switch reference {
        case let .id(id):
            guard let external = Int32(exactly: id), external >= 0 else { throw WorkspaceError.movieIdOutOfRange(id) }
            guard let movie = catalog[external] else { throw WorkspaceError.unknownMovie(id, dataset: dataDirectory.path) }
            return resolved(movie, note: nil)
        case let .title(text):
            switch titles.match(title: text) {
            case let .found(movie): return resolved(movie, note: nil)
            case let .shared(movies):
                let ranked = movies.sorted { ratingCount($0) > ratingCount($1) || (ratingCount($0) == ratingCount($1) && $0.id < $1.id) }
                let chosen = ranked[0]
                let others = ranked.dropFirst().map { "\"\($0.title) #\($0.id)\"" }.joined(separator: ", ")
                return resolved(chosen, note: "\(movies.count) movies are titled \"\(chosen.title)\"; took #\(chosen.id), the most rated (\(ratingCount(chosen)) ratings); for another say \(others)")
            case let .ambiguous(movies):
                throw WorkspaceError.title(TitleLookupError.ambiguous(text, candidates: movies).description)
            case let .notFound(close):
                throw WorkspaceError.title(TitleLookupError.notFound(text, closeMatches: close).description)
            }
        }
    }

    /// The movies `references` name, each with a dense index.
    /// - Throws: what `movie(_:)` throws, `WorkspaceError.unratedMovie` for a movie nobody rated,
    ///   `.noLikes` for an empty list.
    public func ratedMovies(_ references: [MovieReference]) throws -> [ResolvedMovie] {
        guard !references.isEmpty else { throw WorkspaceError.noLikes }
        return try references.map { reference in
            let found = try movie(reference)
            guard found.item != nil else {
                throw WorkspaceError.unratedMovie(title: found.movie.title, id: Int(found.movie.id), dataset: dataDirectory.path)
            }
            return found
        }
    }

    /// Ratings of `movie` in the dataset (positive or not).
    public func ratingCount(_ movie: Movie) -> Int {
        guard let item = interactions.items.index(of: movie.id) else { return 0 }
        return interactions.byItem.count(ofRow: item)
    }

    /// The title of dense item `item` (or "movie ID" when the catalogue lacks it).
    public func title(ofItem item: Int) -> String {
        let id = interactions.items.externalId(of: item)
        return catalog[id]?.title ?? "movie \(id)"
    }

    private func resolved(_ movie: Movie, note: String?) -> ResolvedMovie {
        ResolvedMovie(movie: movie, item: interactions.items.index(of: movie.id), note: note)
    }
}
