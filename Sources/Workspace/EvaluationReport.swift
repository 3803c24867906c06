import Evaluation
import Foundation

/// Counts of the whole dataset (before the split).
public struct DatasetCounts: Codable, Sendable, Equatable {
    public var users: Int
    public var items: Int
    public var positives: Int

    public init(users: Int, items: Int, positives: Int) {
        self.users = users
        self.items = items
        self.positives = positives
    }
}

/// One model's figures in an evaluation report.
public enum ModelResult: Sendable, Equatable, Encodable {
    /// Full ranking: every metric at K.
    case full(RankingMetrics, trainSeconds: Double, evaluationSeconds: Double)
    /// Leave-one-out among sampled negatives: HR@K and NDCG@K.
    case sampled(SampledMetrics, trainSeconds: Double, evaluationSeconds: Double)

    enum Keys: String, CodingKey {
        case precision, recall, ndcg, hitRate = "hit_rate", map, mrr, coverage
        case arp, gini, tailShare = "tail_share", novelty, diversity
        case usersEvaluated = "users_evaluated", trainSeconds = "train_seconds", evaluationSeconds = "eval_seconds"
    }

    /// Seconds spent training the model on the split's train part.
    public var trainSeconds: Double {
        switch self {
        case let .full(_, train, _), let .sampled(_, train, _): return train
        }
    }

    /// The full-ranking metrics (nil under the sampled protocol).
    public var fullMetrics: RankingMetrics? {
        if case let .full(m, _, _) = self { return m }
        return nil
    }

    /// NDCG@K under either protocol.
    public var ndcg: Double {
        switch self {
        case let .full(m, _, _): return m.ndcg
        case let .sampled(m, _, _): return m.ndcg
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case let .full(m, train, eval):
            try c.encode(m.precision, forKey: .precision)
            try c.encode(m.recall, forKey: .recall)
            try c.encode(m.ndcg, forKey: .ndcg)
            try c.encode(m.hitRate, forKey: .hitRate)
            try c.encode(m.map, forKey: .map)
            try c.encode(m.mrr, forKey: .mrr)
            try c.encode(m.coverage, forKey: .coverage)
            if let b = m.beyondAccuracy {
                try c.encode(b.arp, forKey: .arp)
                try c.encode(b.gini, forKey: .gini)
                try c.encode(b.tailShare, forKey: .tailShare)
                try c.encode(b.novelty, forKey: .novelty)
                try c.encodeIfPresent(b.diversity, forKey: .diversity)
            }
            try c.encode(m.usersEvaluated, forKey: .usersEvaluated)
            try c.encode(train, forKey: .trainSeconds)
            try c.encode(eval, forKey: .evaluationSeconds)
        case let .sampled(m, train, eval):
            try c.encode(m.hitRate, forKey: .hitRate)
            try c.encode(m.ndcg, forKey: .ndcg)
            try c.encode(m.usersEvaluated, forKey: .usersEvaluated)
            try c.encode(train, forKey: .trainSeconds)
            try c.encode(eval, forKey: .evaluationSeconds)
        }
    }
}

/// What `marquee evaluate` reports, and its `--json` shape:
/// `{"dataset":{…},"split":…,"k":…,"protocol":…,"negatives":…,"models":{name:{…}},"retrieval":[…],"fold_in":[…]}`.
public struct EvaluationReport: Sendable, Equatable, Encodable {
    public var dataset: DatasetCounts
    /// `random`, `leave-last`, `time` or `supplied`.
    public var split: String
    public var k: Int
    public var `protocol`: String
    /// loo-sampled only.
    public var negatives: Int?
    public var models: [String: ModelResult]
    /// The models in the order they were asked for.
    public var order: [String]
    /// `--retrieval`: the ANN-loss rows (absent otherwise).
    public var retrieval: [RetrievalLossRow]?
    /// `--fold-in`: trained users against their fold-in, one entry per model with vectors.
    public var foldIn: [FoldInEvaluation.Result]?
    /// NDCG@K and Recall@K for K = 1…max per model (full protocol, when the request asks for them;
    /// `marquee report` does).
    public var curves: [String: MetricCurves]? = nil
    /// The split with its parameters, for people.
    public var splitDescription: String
    /// The dataset folder's name, or "supplied files".
    public var dataName: String

    enum CodingKeys: String, CodingKey {
        case dataset, split, k, `protocol`, negatives, models, retrieval, curves
        case foldIn = "fold_in"
    }

    /// The report as text: the metrics table, then the retrieval and fold-in tables when present.
    public var text: String {
        var parts = [table]
        if let retrieval { parts.append(retrieval.table(k: k)) }
        if let foldIn { parts.append(foldIn.table(k: k)) }
        return parts.joined(separator: "\n")
    }

    /// The metrics table, one row per model.
    public var table: String {
        var lines = ["\(dataName): \(dataset.users) users, \(dataset.items) items, \(dataset.positives) positives",
                     "split: \(splitDescription); protocol: \(`protocol`)\(negatives.map { " (\($0) sampled negatives)" } ?? ""); K = \(k)",
                     ""]
        let nameWidth = max(10, order.map(\.count).max() ?? 0)
        func name(_ text: String) -> String { text + String(repeating: " ", count: max(0, nameWidth - text.count)) }
        if `protocol` == EvaluationProtocolKind.looSampled.rawValue {
            lines.append(name("model") + ["HR@\(k)", "NDCG@\(k)", "users", "train s", "eval s"].map { cell($0) }.joined())
            for model in order {
                guard case let .sampled(m, train, eval)? = models[model] else { continue }
                lines.append(name(model) + [number(m.hitRate), number(m.ndcg), "\(m.usersEvaluated)", seconds(train), seconds(eval)]
                    .map { cell($0) }.joined())
            }
        } else {
            let headers = ["P@\(k)", "R@\(k)", "NDCG@\(k)", "HR@\(k)", "MAP@\(k)", "MRR@\(k)", "cov@\(k)", "users", "train s", "eval s"]
            lines.append(name("model") + headers.map { cell($0) }.joined())
            for model in order {
                guard case let .full(m, train, eval)? = models[model] else { continue }
                let cells = [m.precision, m.recall, m.ndcg, m.hitRate, m.map, m.mrr, m.coverage].map(number)
                    + ["\(m.usersEvaluated)", seconds(train), seconds(eval)]
                lines.append(name(model) + cells.map { cell($0) }.joined())
            }
            let beyond = order.compactMap { model -> (String, BeyondAccuracyMetrics)? in
                guard case let .full(m, _, _)? = models[model], let b = m.beyondAccuracy else { return nil }
                return (model, b)
            }
            if !beyond.isEmpty {
                lines += ["", "beyond accuracy (top \(k) of every user): ARP in train positives, tail share outside the 80 % head",
                          name("model") + ["ARP", "Gini", "tail", "novelty", "diversity"].map { cell($0) }.joined()]
                for (model, b) in beyond {
                    let cells = [String(format: "%.1f", b.arp), number(b.gini), number(b.tailShare), String(format: "%.2f", b.novelty),
                                 b.diversity.map(number) ?? "–"]
                    lines.append(name(model) + cells.map { cell($0) }.joined())
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}

private func cell(_ text: String, _ width: Int = 10) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}
private func number(_ x: Double) -> String { String(format: "%.4f", x) }
private func seconds(_ x: Double) -> String { String(format: "%.2f", x) }

extension Array where Element == FoldInEvaluation.Result {
    /// The fold-in table.
    public func table(k: Int) -> String {
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
    public func table(k: Int) -> String {
        func optional(_ x: Double?) -> String { x.map(number) ?? "–" }
        func ms(_ x: Double) -> String { String(format: "%.3f", x) }
        var lines = ["", "retrieval (two-stage pipeline; exact vs HNSW candidates; time per user, one thread):"]
        lines.append("model".padding(toLength: 8, withPad: " ", startingAt: 0)
                     + ["N", "ef", "NDCG ex", "NDCG hnsw", "R@\(k) ex", "R@\(k) hnsw", "NDCG loss", "nbr rec", "ms mean", "ms p99", "ex ms", "ex p99"]
                        .map { cell($0) }.joined())
        for r in self {
            lines.append(r.model.padding(toLength: 8, withPad: " ", startingAt: 0) + [
                "\(r.candidates)", r.ef.map(String.init) ?? "exact", number(r.ndcgExact), optional(r.ndcgHNSW), number(r.recallExact),
                optional(r.recallHNSW), r.ndcgLoss.map { String(format: "%.2f%%", $0 * 100) } ?? "–", optional(r.neighborRecall),
                ms(r.meanMs), ms(r.p99Ms), ms(r.exactMeanMs), ms(r.exactP99Ms),
            ].map { cell($0) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
