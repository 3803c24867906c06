import ArgumentParser
import Dataset
import Evaluation
import Foundation
import LinearAlgebra
import Models
import Retrieval
import Support
import VectorSearch

/// `marquee evaluate --retrieval exact|hnsw [--ef LIST]`: the models with vectors to search by (als, gmf,
/// neumf) also serve the test users through the two-stage pipeline, with exact candidates and with HNSW
/// candidates at each ef, and the ANN loss is reported.
struct RetrievalEvaluationOptions: ParsableArguments {
    @Option(help: "Also serve the test users through the two-stage pipeline (models als, gmf, neumf): exact (exact candidates only) or hnsw (exact vs HNSW at each --ef).")
    var retrieval: String?

    @Option(help: "With --retrieval hnsw: comma-separated HNSW search widths, e.g. 10,20,40,80,160 (default: config retrieval.ef).")
    var ef: String?

    @Option(name: .customLong("candidates"), help: "With --retrieval: comma-separated candidate counts N to compare (default: config retrieval.candidates).")
    var candidateCounts: String?

    @Option(name: .customLong("retrieval-users"), help: "With --retrieval: serve at most this many test users (evenly spaced; default all).")
    var retrievalUsers: Int?

    @Flag(name: .customLong("fold-in"), help: "With --retrieval: also serve each test user as a stranger who names the movies they liked in training (the --likes fold-in), and compare NDCG@K with serving the trained user.")
    var foldIn = false

    func validate() throws {
        if (candidateCounts != nil || retrievalUsers != nil || foldIn) && retrieval == nil {
            throw ValidationError("--candidates, --retrieval-users and --fold-in need --retrieval exact|hnsw")
        }
        if let candidateCounts, Self.positiveList(candidateCounts) == nil {
            throw ValidationError("--candidates must be comma-separated positive integers, got '\(candidateCounts)'")
        }
        if let retrievalUsers, retrievalUsers < 1 { throw ValidationError("--retrieval-users must be positive") }
        if let retrieval, !["exact", "hnsw"].contains(retrieval) {
            throw ValidationError("unknown --retrieval '\(retrieval)' (use exact or hnsw)")
        }
        if let ef {
            guard retrieval == "hnsw" else { throw ValidationError("--ef needs --retrieval hnsw") }
            guard efValues(default: 1) != nil else { throw ValidationError("--ef must be comma-separated positive integers, got '\(ef)'") }
        }
    }

    /// The ef sweep: empty for exact only.
    func efValues(default value: Int) -> [Int]? {
        guard retrieval == "hnsw" else { return [] }
        guard let ef else { return [value] }
        return Self.positiveList(ef)
    }

    /// "10,20,40" → [10, 20, 40], or nil when malformed.
    static func positiveList(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return parts.map { $0! }
    }

    /// The retrieval vectors of a trained model and the re-ranker its pipeline uses, or nil when it has no
    /// vectors to retrieve by (popularity, mlp).
    func retrievalParts(name: String, model: any Recommender, config: MarqueeConfig) throws -> (vectors: RetrievalModel, scorer: RerankScorer)? {
        let vectors: RetrievalModel
        if let als = model as? ALS {
            vectors = RetrievalModel(als: als)
        } else if let ncf = model as? NeuralCF, ncf.architecture.kind != .mlp {
            vectors = try RetrievalModel(neuralCF: ncf)
        } else {
            return nil
        }
        var scorerName = config.retrieval.scorer
        if name == "neumf" && scorerName == "dot" { scorerName = "neumf" }
        guard let scorer = RerankScorer(rawValue: scorerName), scorer != .neumf || name == "neumf" else {
            throw ConfigError("retrieval scorer '\(scorerName)' does not apply to model \(name)")
        }
        return (vectors, scorer)
    }

    /// `--fold-in`: the trained users against their fold-in, through the exact pipeline; nil without the
    /// flag or for a model without retrieval vectors.
    func foldInResult(name: String, model: any Recommender, split: Split, config: MarqueeConfig, k: Int) throws -> FoldInEvaluation.Result? {
        guard foldIn, let (vectors, scorer) = try retrievalParts(name: name, model: model, config: config) else { return nil }
        let r = config.retrieval
        let options = RetrievalOptions(candidates: r.candidates, ef: r.ef, scorer: scorer, popularityWeight: r.popularityWeight,
                                       minInteractions: r.minInteractions, explain: 0)
        let pipeline = try RecommendationPipeline(
            model: vectors, retriever: ExactRetriever(itemVectors: vectors.itemVectors, dimension: vectors.factors),
            training: split.train, options: options)
        return try FoldInEvaluation(k: k, maxUsers: retrievalUsers).evaluate(pipeline, test: split.test)
    }

    /// The ANN-loss rows of one trained model, or nil when it has no vectors to retrieve by (popularity, mlp).
    func rows(name: String, model: any Recommender, split: Split, config: MarqueeConfig, k: Int) throws -> [RetrievalLossRow]? {
        guard retrieval != nil, let (vectors, scorer) = try retrievalParts(name: name, model: model, config: config) else { return nil }
        let r = config.retrieval
        let sweep = efValues(default: r.ef) ?? [r.ef]
        var hnsw: HNSWRetriever? = nil
        if !sweep.isEmpty {
            let start = Date()
            hnsw = try HNSWRetriever.build(itemVectors: vectors.itemVectors, dimension: vectors.factors, ef: r.ef,
                                           parameters: HNSWIndex.Parameters(m: config.hnsw.m, efConstruction: config.hnsw.efConstruction,
                                                                            mipsStrategy: .graph),
                                           threads: Threads.count)
            if ProgressReporter.isTerminal {
                printError(String(format: "built the %@ item index (%d items) in %.1f s", name, vectors.itemCount, Date().timeIntervalSince(start)))
            }
        }
        var rows: [RetrievalLossRow] = []
        for n in candidateCounts.flatMap(Self.positiveList) ?? [r.candidates] {
            // Explanations are off: the timings measure retrieval and re-ranking.
            let options = RetrievalOptions(candidates: n, ef: r.ef, scorer: scorer, popularityWeight: r.popularityWeight,
                                           minInteractions: r.minInteractions, explain: 0)
            let exact = try RecommendationPipeline(
                model: vectors, retriever: ExactRetriever(itemVectors: vectors.itemVectors, dimension: vectors.factors),
                training: split.train, options: options)
            rows += try RetrievalLossEvaluation(k: k, maxUsers: retrievalUsers).evaluate(
                exact: exact, hnsw: { ef in exact.replacing(retriever: hnsw!.with(ef: ef)) }, efValues: sweep, test: split.test)
        }
        return rows
    }
}

extension Array where Element == FoldInEvaluation.Result {
    /// The fold-in table.
    func table(k: Int) -> String {
        var lines = ["", "fold-in (each test user served as a stranger who names the movies they liked in training; exact pipeline):",
                     "model       users  NDCG@\(k) trained  NDCG@\(k) folded  R@\(k) trained  R@\(k) folded  folded ms"]
        for r in self {
            lines.append(r.model.padding(toLength: 8, withPad: " ", startingAt: 0)
                         + String(format: "%9d %15.4f %14.4f %12.4f %11.4f %10.3f", r.users, r.ndcgTrained, r.ndcgFolded,
                                  r.recallTrained, r.recallFolded, r.foldedMeanMs))
        }
        return lines.joined(separator: "\n")
    }
}

extension Array where Element == RetrievalLossRow {
    /// The ANN-loss table.
    func table(k: Int) -> String {
        func cell(_ text: String, _ width: Int = 10) -> String { text.count >= width ? text : String(repeating: " ", count: width - text.count) + text }
        func number(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "–" }
        func ms(_ x: Double) -> String { String(format: "%.3f", x) }
        var lines = ["", "retrieval (two-stage pipeline; exact vs HNSW candidates; time per user, one thread):"]
        lines.append("model".padding(toLength: 8, withPad: " ", startingAt: 0)
                     + ["N", "ef", "NDCG ex", "NDCG hnsw", "R@\(k) ex", "R@\(k) hnsw", "NDCG loss", "nbr rec", "ms mean", "ms p99", "ex ms", "ex p99"]
                        .map { cell($0) }.joined())
        for r in self {
            lines.append(r.model.padding(toLength: 8, withPad: " ", startingAt: 0) + [
                "\(r.candidates)", r.ef.map(String.init) ?? "exact", number(r.ndcgExact), number(r.ndcgHNSW), number(r.recallExact), number(r.recallHNSW),
                r.ndcgLoss.map { String(format: "%.2f%%", $0 * 100) } ?? "–", number(r.neighborRecall),
                ms(r.meanMs), ms(r.p99Ms), ms(r.exactMeanMs), ms(r.exactP99Ms),
            ].map { cell($0) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
