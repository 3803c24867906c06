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
        guard loaded.idSource != .rows else {
            throw IndexCommandError("\(index) was built from an embedding file without ids; its ids are row numbers, not movie ids; "
                                    + "rebuild it with build-index --embeddings FILE --ids IDS.npy, or from a model (--model)")
        }

        let query: Movie
        if let movieId {
            guard let m = catalog[Int32(truncatingIfNeeded: movieId)] else {
                throw IndexCommandError("movie id \(movieId) is not in the catalogue of \(dataDirectory.path)")
            }
            query = m
        } else {
            do { query = try catalog.movie(titled: movie!) } catch { throw IndexCommandError("\(error)") }
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
