import ArgumentParser
import Dataset
import Foundation
import Models
import Retrieval

/// `marquee recommend`: top-K movies for a user of the dataset, or for a new user given liked movies.
struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend movies for a user (--user ID) or for a new user who likes some movies (--likes).",
        discussion: """
        Two stages: the HNSW index over the model's item vectors returns retrieval.candidates movies with \
        the largest inner product with the user's vector (movies the user already rated are excluded inside \
        the search); the re-ranker (retrieval.scorer: dot, neumf or blend) orders them; the most popular \
        movies fill any slot left, and serve users with fewer than retrieval.min_interactions positives. \
        --likes folds a new user into the model from the liked titles (separated by ';'; each matched \
        case-insensitively, whole or by a unique prefix): ALS solves for the user's factors, GMF and NeuMF \
        learn the user's embedding rows with the trained weights frozen. Models and the index are read from \
        <models-dir>/<dataset>/ and built there when missing (the command says so on stderr).
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "The dataset's user id.")
    var user: Int?

    @Option(help: "Liked movie titles separated by ';', e.g. \"Toy Story (1995);Heat (1995)\" (a new user).")
    var likes: String?

    @Option(name: .short, help: "How many movies.")
    var k: Int = 10

    @Option(help: "als, gmf or neumf.")
    var model: String = "als"

    @Option(help: "Re-ranker: dot, neumf or blend. Default: config retrieval.scorer (neumf for --model neumf).")
    var scorer: String?

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
        guard k > 0 else { throw ValidationError("-k must be positive") }
        guard ["als", "gmf", "neumf"].contains(model) else { throw ValidationError("unknown --model '\(model)' (known: als, gmf, neumf)") }
        if let candidates, candidates < 1 { throw ValidationError("--candidates must be positive") }
        if let ef, ef < 1 { throw ValidationError("--ef must be positive") }
    }

    struct Item: Encodable {
        var movie_id: Int
        var title: String
        var score: Float
        var source: String
        var because: [Int]
    }
    struct Output: Encodable {
        var user: Int?
        var likes: [Int]?
        var model: String
        var items: [Item]
    }

    func run() throws {
        let config = try common.loadConfig()
        let artifacts = Artifacts(common: common, config: config)
        let dataset = try artifacts.loadDataset()
        let data = dataset.interactions
        let catalog = dataset.catalog
        var options = try artifacts.retrievalOptions(scorer: scorer, model: model)
        if let candidates { options.candidates = candidates }
        if let ef { options.ef = ef }

        // Resolve the user or the liked titles before any model is built.
        var denseUser: Int? = nil
        var liked: [Int] = []
        if let user {
            guard let index = data.users.index(of: Int32(truncatingIfNeeded: user)) else {
                throw RecommendError("user \(user) is not in \(artifacts.dataDirectory.path) (user ids \(data.users.externalIds.first.map(String.init) ?? "?")…\(data.users.externalIds.last.map(String.init) ?? "?"); \(data.userCount) users with ratings); for a new user, use --likes \"TITLE;TITLE\"")
            }
            denseUser = index
        } else {
            let titles = likes!.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !titles.isEmpty else { throw RecommendError("--likes names no movie") }
            for title in titles {
                let movie: Movie
                do { movie = try catalog.movie(titled: title) } catch { throw RecommendError("\(error)") }
                guard let item = data.items.index(of: movie.id) else {
                    throw RecommendError("\"\(movie.title)\" has no ratings in \(artifacts.dataDirectory.path), so the model knows nothing about it")
                }
                liked.append(item)
            }
        }

        let pipeline: RecommendationPipeline
        do { pipeline = try artifacts.pipeline(model: model, dataset: dataset, options: options, exact: exact) } catch let error as RetrievalError {
            throw RecommendError("\(error)")
        }
        let recommended = try denseUser.map { try pipeline.recommend(user: $0, k: k) } ?? pipeline.recommend(likedItems: liked, k: k)

        func movieId(_ item: Int) -> Int { Int(data.items.externalId(of: item)) }
        let items = recommended.map { r in
            Item(movie_id: movieId(r.item), title: catalog[data.items.externalId(of: r.item)]?.title ?? "(movie \(movieId(r.item)))",
                 score: r.score, source: r.source.rawValue, because: r.because.map(movieId))
        }
        if json {
            try printJSON(Output(user: user, likes: user == nil ? liked.map(movieId) : nil, model: model, items: items))
            return
        }
        if let user {
            let history = pipeline.likedItems(ofUser: denseUser!).count
            print("Recommendations for user \(user) (\(history) liked movies; model \(model)\(exact ? ", exact retrieval" : "")):")
        } else {
            print("Recommendations for someone who likes " + liked.map { catalog[data.items.externalId(of: $0)]?.title ?? "?" }.joined(separator: ", ") + ":")
        }
        for (rank, item) in items.enumerated() {
            let movie = catalog[Int32(item.movie_id)]
            let genres = movie?.genres.joined(separator: "|") ?? ""
            print(String(format: "%3d. ", rank + 1) + item.title + "  [\(genres)]")
            var why = "     \(item.source), score " + String(format: "%.4f", item.score)
            if !item.because.isEmpty {
                why += "; because you liked " + item.because.map { catalog[Int32($0)]?.title ?? "movie \($0)" }.joined(separator: ", ")
            }
            print(why)
        }
    }
}

/// A problem with what `recommend` was asked (reported without the usage text).
struct RecommendError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
