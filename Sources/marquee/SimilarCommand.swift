import ArgumentParser
import Dataset
import Foundation
import VectorSearch

/// `marquee similar`: movies whose vectors are nearest to one movie's.
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Movies similar to a movie, by nearest neighbours in an item index.",
        discussion: """
        The index's ids are the dataset's movie ids (build it with build-index --model). Titles match \
        case-insensitively, whole or by prefix ("toy story (1995)", "Heat ("); an unknown or ambiguous \
        title gets the close matches listed. Scores are 1 − distance (cosine similarity or inner product), \
        or −distance for l2.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Index file written by build-index.")
    var index: String

    @Option(name: .long, help: "Movie title, e.g. \"Toy Story (1995)\" (case-insensitive; a unique prefix is enough).")
    var movie: String?

    @Option(name: .customLong("movie-id"), help: "The dataset's movie id.")
    var movieId: Int?

    @Option(name: .short, help: "How many similar movies.")
    var k: Int = 10

    @Option(name: .long, help: "Search width. Default: config hnsw.ef_search.")
    var ef: Int?

    @Flag(name: .long, help: "Print {\"query\":{…},\"items\":[{\"movie_id\":…,\"title\":…,\"score\":…},…]} on stdout.")
    var json = false

    func validate() throws {
        guard (movie == nil) != (movieId == nil) else { throw ValidationError("give exactly one of --movie TITLE or --movie-id ID") }
        guard k > 0 else { throw ValidationError("-k must be positive") }
    }

    struct MovieRef: Encodable { var movie_id: Int; var title: String }
    struct Item: Encodable { var movie_id: Int; var title: String; var score: Float }
    struct Output: Encodable { var query: MovieRef; var items: [Item] }

    func run() throws {
        let config = try common.loadConfig()
        let dataDirectory = common.dataDirectory(config)
        let catalog: Catalog
        do {
            catalog = try MovieLensDataset.load(
                from: dataDirectory, options: LoadOptions(threshold: config.data.threshold, skipBadLines: config.data.skipBadLines)
            ).catalog
        } catch { throw IndexCommandError("\(error)") }
        let loaded: HNSWIndex
        do { loaded = try HNSWIndex.load(from: URL(fileURLWithPath: index)) } catch { throw IndexCommandError("\(error)") }

        let query: Movie
        if let movieId {
            guard let m = catalog[Int32(truncatingIfNeeded: movieId)] else {
                throw IndexCommandError("movie id \(movieId) is not in the catalogue of \(dataDirectory.path)")
            }
            query = m
        } else {
            query = try TitleMatcher(catalog: catalog).resolve(movie!)
        }
        let id = Int(query.id)
        guard loaded.contains(id) else {
            if loaded.refusedZeroVectors.contains(id) {
                throw IndexCommandError("\"\(query.title)\" (\(id)) has an all-zero vector (no training signal), so it has no neighbours under cosine")
            }
            throw IndexCommandError("\"\(query.title)\" (\(id)) is not in the index \(index)")
        }
        let neighbours = try loaded.neighbors(of: id, k: k, ef: ef ?? config.hnsw.efSearch)
        let items = neighbours.map { n in
            Item(movie_id: n.id, title: catalog[Int32(truncatingIfNeeded: n.id)]?.title ?? "(unknown movie \(n.id))",
                 score: loaded.metric.score(distance: n.distance))
        }
        if json {
            try printJSON(Output(query: MovieRef(movie_id: id, title: query.title), items: items))
            return
        }
        print("Movies similar to \(query.title) [\(id)]:")
        for (rank, item) in items.enumerated() {
            let padded = item.title.count < 60 ? item.title + String(repeating: " ", count: 60 - item.title.count) : item.title
            print(String(format: "%3d. ", rank + 1) + padded + String(format: " %8.4f  [%d]", item.score, item.movie_id))
        }
    }
}

/// Finds a movie by title: exact (case-insensitive), else a unique prefix; otherwise explains.
struct TitleMatcher {
    let catalog: Catalog

    func resolve(_ text: String) throws -> Movie {
        let wanted = text.lowercased().trimmingCharacters(in: .whitespaces)
        let exact = catalog.movies.filter { $0.title.lowercased() == wanted }
        if exact.count == 1 { return exact[0] }
        let prefixed = exact.isEmpty ? catalog.movies.filter { $0.title.lowercased().hasPrefix(wanted) } : exact
        if prefixed.count == 1 { return prefixed[0] }
        if prefixed.count > 1 {
            throw IndexCommandError("\"\(text)\" matches \(prefixed.count) movies; say which:\n" + list(prefixed.prefix(10)))
        }
        throw IndexCommandError("no movie titled \"\(text)\"" + (closeMatches(wanted).isEmpty ? "" : "; did you mean:\n" + list(closeMatches(wanted))))
    }

    private func list<S: Sequence>(_ movies: S) -> String where S.Element == Movie {
        movies.map { "  \($0.title)  (--movie-id \($0.id))" }.joined(separator: "\n")
    }

    /// Titles containing the text, else the titles nearest by edit distance (over the same length).
    private func closeMatches(_ wanted: String) -> [Movie] {
        let containing = catalog.movies.filter { $0.title.lowercased().contains(wanted) }
        if !containing.isEmpty { return Array(containing.prefix(5)) }
        let target = Array(wanted.utf8)
        let scored = catalog.movies.map { movie -> (Int, Movie) in
            let title = Array(movie.title.lowercased().utf8.prefix(target.count + 2))
            return (editDistance(target, title), movie)
        }
        return scored.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1.id < $1.1.id) }.prefix(5).map(\.1)
    }

    private func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
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
