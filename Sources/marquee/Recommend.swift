import ArgumentParser
import Foundation
import MarqueeCLI
import Retrieval
import Support
import Workspace

/// `marquee recommend`: top-K movies for a user of the dataset, or for a new user given liked movies.
struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend movies for a user (--user ID) or for someone new who likes some movies (--likes).",
        discussion: """
        Two stages: the HNSW index over the model's item vectors returns retrieval.candidates movies with \
        the largest inner product with the user's vector (movies the user already rated are excluded inside \
        the search); the re-ranker (retrieval.scorer: dot = the model's own, neumf or blend) orders them; \
        the most popular movies fill any slot left, and serve users with fewer than \
        retrieval.min_interactions positives. --likes folds someone new into the model from the liked \
        titles (separated by ';'; matched as similar does, "#ID" for a movie id): ALS solves for the \
        user's factors, GMF and NeuMF learn the user's embedding rows with the trained weights frozen. \
        Models and the index are read from <models-dir>/<dataset>/ and trained or built there when missing \
        or stale (said on stderr).
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "The dataset's user id.")
    var user: Int?

    @Option(help: "Liked movies separated by ';', e.g. \"Toy Story (1995);Heat (1995)\" or \"#1;#6\" (someone new).")
    var likes: String?

    @Option(name: [.short, .long], help: "How many movies.")
    var k: Int = 10

    @Option(help: "The model (\(ModelKind.names(ModelKind.withVectors))).")
    var model: ModelKind = .als

    @Option(help: "Re-ranker. Default: config retrieval.scorer (dot: the model's own, so NeuMF re-ranks with itself).")
    var scorer: RerankScorer?

    @Option(help: "Candidates from the index. Default: config retrieval.candidates.")
    var candidates: Int?

    @Option(help: "HNSW search width. Default: config retrieval.ef.")
    var ef: Int?

    @Flag(help: "Exact candidates (a scan of every item) instead of the HNSW index.")
    var exact = false

    @Flag(help: "Print {\"user\":…,\"items\":[{\"movie_id\":…,\"title\":…,\"score\":…,\"source\":…,\"because\":[…]},…]} on stdout.")
    var json = false

    func validate() throws {
        guard (user == nil) != (likes == nil) else { throw ValidationError("give exactly one of --user ID or --likes \"TITLE;TITLE\"") }
    }

    func run() throws {
        var config = try common.loadConfig()
        config.set(\.retrieval.scorer, scorer, flag: "--scorer")
        config.set(\.retrieval.candidates, candidates, flag: "--candidates")
        config.set(\.retrieval.ef, ef, flag: "--ef")
        let workspace = try common.openWorkspace(config)
        let result: RecommendationList
        if let user {
            result = try workspace.recommend(user: user, k: k, model: model, exact: exact)
        } else {
            result = try workspace.recommend(likes: MovieReference.list(likes!), k: k, model: model, exact: exact)
        }
        if json { return try printJSON(result) }
        for note in result.notes ?? [] { printError("note: \(note)") }
        if let user {
            print("Recommendations for user \(user) (\(result.history) liked movies; model \(result.model)\(exact ? ", exact retrieval" : "")):")
        } else {
            let titles = (result.likes ?? []).map { workspace.catalog[Int32($0)]?.title ?? "movie \($0)" }
            print("Recommendations for someone who likes " + titles.joined(separator: ", ") + ":")
        }
        for (rank, item) in result.items.enumerated() {
            print(String(format: "%3d. ", rank + 1) + item.title + "  [\(item.genres.joined(separator: "|"))]")
            var why = "     \(item.source), score " + String(format: "%.4f", item.score)
            if !item.because.isEmpty {
                why += "; because you liked " + item.because.map { workspace.catalog[Int32($0)]?.title ?? "movie \($0)" }.joined(separator: ", ")
            }
            print(why)
        }
    }
}
