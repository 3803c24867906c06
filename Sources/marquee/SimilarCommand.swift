import ArgumentParser
import Foundation
import MarqueeCLI
import Support
import Workspace

/// `marquee similar`: movies whose vectors are nearest to one movie's.
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Movies similar to a movie, by nearest neighbours of its item vector.",
        discussion: """
        Compares the model's item vectors by cosine through its HNSW index (<models-dir>/<dataset>/\
        <model>-cosine.hnsw, built when missing or when the model changed), or through --index FILE (an \
        index whose ids are this dataset's movie ids). Titles match ignoring case and accents, whole, \
        without the year ("toy story"), with the year to pick a remake ("Sabrina (1954)"), by a unique \
        prefix, or "Title #ID" to pick one of several movies with the same title; an unknown or ambiguous \
        title gets the close matches listed. Scores are cosine similarities (1 − distance), or −distance \
        for an l2 index.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Movie title, e.g. \"Toy Story (1995)\".")
    var movie: String?

    @Option(name: .customLong("movie-id"), help: "The dataset's movie id.")
    var movieId: Int?

    @Option(name: [.short, .long], help: "How many similar movies.")
    var k: Int = 10

    @Option(help: "Whose item vectors to compare (\(ModelKind.names(ModelKind.withVectors))).")
    var model: ModelKind = .als

    @Option(name: .long, help: "An index file written by build-index, instead of the model's own.", completion: .file(extensions: ["hnsw"]))
    var index: String?

    @Option(name: .long, help: "Search width. Default: config hnsw.ef_search.")
    var ef: Int?

    @Flag(name: .long, help: "Print {\"query\":{…},\"items\":[{\"movie_id\":…,\"title\":…,\"score\":…},…]} on stdout.")
    var json = false

    func validate() throws {
        guard (movie == nil) != (movieId == nil) else { throw ValidationError("give exactly one of --movie TITLE or --movie-id ID") }
    }

    func run() throws {
        var config = try common.loadConfig()
        config.set(\.hnsw.efSearch, ef, flag: "--ef")
        let workspace = try common.openWorkspace(config)
        let reference: MovieReference = movieId.map { .id($0) } ?? .title(movie!)
        let result = try workspace.similar(movie: reference, k: k, model: model, indexFile: index.map { URL(fileURLWithPath: $0) })
        if json { return try printJSON(result) }
        for note in result.notes ?? [] { printError("note: \(note)") }
        print("Movies similar to \(result.query.title) [\(result.query.movieId)] (\(result.model) item vectors, \(result.metric)):")
        for (rank, item) in result.items.enumerated() {
            let padded = item.title.count < 60 ? item.title + String(repeating: " ", count: 60 - item.title.count) : item.title
            print(String(format: "%3d. ", rank + 1) + padded + String(format: " %8.4f  [%d]", item.score, item.movieId))
        }
    }
}
