import ArgumentParser
import Dataset
import Evaluation
import Foundation
import Models
import Support

/// `marquee evaluate`: split a dataset, train every chosen model on train, and print their ranking
/// metrics side by side.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate models on a train/test split with ranking metrics.",
        discussion: """
        Splits the dataset (or reads --train/--test files), trains each model on the train part and ranks \
        items for every test user. Items a user rated in train (positive or not) are never recommended. \
        Protocols: full ranks every item (Precision, Recall, NDCG, HitRate, MAP, MRR at K and catalog \
        coverage); loo-sampled (He et al. 2017) holds out each user's latest positive and ranks it among \
        --negatives sampled unrated movies (HR@K, NDCG@K). Defaults come from the evaluation: section of \
        config.yaml.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "How test positives are held out: random, leave-last or time.")
    var split: String?

    @Option(name: .customLong("test-fraction"), help: "random split: fraction of each user's positives held out, in (0, 1).")
    var testFraction: Double?

    @Option(name: .customLong("leave-last"), help: "leave-last split: number of each user's latest positives held out.")
    var leaveLast: Int?

    @Option(name: .customLong("time-cut"), help: "time split: quantile of all timestamps after which positives are test, in (0, 1).")
    var timeCut: Double?

    @Option(help: "Seed of the split, the sampled negatives and the models.")
    var seed: UInt64?

    @Option(help: "Cut-off K of the metrics.")
    var k: Int?

    @Option(help: "Comma-separated model names (known: \(modelRegistry.names.joined(separator: ", "))).")
    var models: String?

    @Option(help: "Train ratings file (MovieLens format); needs --test. Replaces the split.")
    var train: String?

    @Option(help: "Test ratings file (MovieLens format); its positives are the held-out items.")
    var test: String?

    @Option(name: .customLong("protocol"), help: "full or loo-sampled.")
    var evaluationProtocol: String?

    @Option(help: "loo-sampled: unrated movies sampled per user.")
    var negatives: Int?

    @Option(help: "A rating at or above this value is a positive.")
    var threshold: Float?

    @Flag(name: .customLong("skip-bad-lines"), help: "Skip malformed lines instead of stopping.")
    var skipBadLines = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @OptionGroup(title: "ANN loss (two-stage retrieval)") var retrievalOptions: RetrievalEvaluationOptions

    /// The settings of one run: config defaults with the flags applied, checked.
    struct Settings {
        var split: String
        var testFraction: Double
        var leaveLast: Int
        var timeCut: Double
        var seed: UInt64
        var k: Int
        var models: [String]
        var evaluationProtocol: String
        var negatives: Int
        var threshold: Float
        var batchSize: Int
    }

    static let splits = ["random", "leave-last", "time"]
    static let protocols = ["full", "loo-sampled"]

    func settings(_ config: MarqueeConfig) throws -> Settings {
        let e = config.evaluation
        let s = Settings(
            split: split ?? e.split, testFraction: testFraction ?? e.testFraction, leaveLast: leaveLast ?? e.leaveLast,
            timeCut: timeCut ?? e.timeCut, seed: seed ?? e.seed, k: k ?? e.k,
            models: models.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? e.models,
            evaluationProtocol: evaluationProtocol ?? e.protocol, negatives: negatives ?? e.negatives,
            threshold: threshold ?? config.data.threshold, batchSize: e.batchSize)
        guard Self.splits.contains(s.split) else {
            throw ValidationError("unknown split '\(s.split)' (known: \(Self.splits.joined(separator: ", ")))")
        }
        guard Self.protocols.contains(s.evaluationProtocol) else {
            throw ValidationError("unknown protocol '\(s.evaluationProtocol)' (known: \(Self.protocols.joined(separator: ", ")))")
        }
        guard s.testFraction > 0 && s.testFraction < 1 else {
            throw ValidationError("--test-fraction must be in (0, 1), got \(s.testFraction)")
        }
        guard s.timeCut > 0 && s.timeCut < 1 else { throw ValidationError("--time-cut must be in (0, 1), got \(s.timeCut)") }
        guard s.leaveLast >= 1 else { throw ValidationError("--leave-last must be at least 1, got \(s.leaveLast)") }
        guard s.k >= 1 else { throw ValidationError("--k must be at least 1, got \(s.k)") }
        guard s.negatives >= 1 else { throw ValidationError("--negatives must be at least 1, got \(s.negatives)") }
        guard s.batchSize >= 1 else { throw ValidationError("evaluation.batch_size must be at least 1, got \(s.batchSize)") }
        guard (0.5...5).contains(s.threshold) else { throw ValidationError("--threshold must be in 0.5–5, got \(s.threshold)") }
        guard !s.models.isEmpty else { throw ValidationError("--models names no model (known: \(modelRegistry.names.joined(separator: ", ")))") }
        let unknown = modelRegistry.unknown(s.models)
        guard unknown.isEmpty else {
            throw ValidationError("unknown model\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (known: \(modelRegistry.names.joined(separator: ", ")))")
        }
        guard Set(s.models).count == s.models.count else { throw ValidationError("--models names a model twice") }
        if s.evaluationProtocol == "loo-sampled" && train == nil {
            if let split, split != "leave-last" {
                throw ValidationError("--protocol loo-sampled holds out each user's latest positive; drop --split \(split) (or use --train/--test)")
            }
            if let leaveLast, leaveLast != 1 {
                throw ValidationError("--protocol loo-sampled holds out exactly one positive per user; drop --leave-last \(leaveLast)")
            }
        }
        return s
    }

    func validate() throws {
        if (train == nil) != (test == nil) {
            throw ValidationError(train == nil ? "--test needs --train (give both files or neither)" : "--train needs --test (give both files or neither)")
        }
        if train != nil && split != nil {
            throw ValidationError("--split does not apply with --train/--test (the files are the split)")
        }
        _ = try settings(common.loadConfig())
    }

    func run() throws {
        let config = try common.loadConfig()
        let s = try settings(config)
        let dataDirectory = common.dataDirectory(config)
        let artifacts = common.artifactDirectory(config, dataDirectory: dataDirectory)
        let loo = s.evaluationProtocol == "loo-sampled"

        // The split, and the counts of the whole dataset.
        let partition: Split
        let counts: DatasetCounts
        if let train, let test {
            let (trainTable, _) = try MovieLensDataset.readRatings(URL(fileURLWithPath: train), skipBadLines: skipBadLines || config.data.skipBadLines)
            let (testTable, _) = try MovieLensDataset.readRatings(URL(fileURLWithPath: test), skipBadLines: skipBadLines || config.data.skipBadLines)
            partition = try Split.supplied(train: trainTable, test: testTable, threshold: s.threshold, trainPath: train)
            counts = DatasetCounts(users: partition.train.userCount, items: partition.train.itemCount,
                                   positives: partition.train.positiveCount + partition.test.positiveCount)
        } else {
            let options = LoadOptions(threshold: s.threshold, skipBadLines: skipBadLines || config.data.skipBadLines,
                                      cacheDirectory: config.data.useCache ? artifacts : nil)
            let dataset = try MovieLensDataset.load(from: dataDirectory, options: options)
            let data = dataset.interactions
            counts = DatasetCounts(users: data.userCount, items: data.itemCount, positives: data.positiveCount)
            switch loo ? "leave-last" : s.split {
            case "random": partition = try Split.random(data, testFraction: s.testFraction, seed: s.seed)
            case "leave-last": partition = try Split.leaveLast(data, count: loo ? 1 : s.leaveLast)
            default: partition = try Split.time(data, quantile: s.timeCut)
            }
        }
        note("split \(partition.kind): \(partition.train.ratingCount) train ratings, \(partition.test.ratingCount) test positives of \(partition.testUserCount) users")

        // Train and evaluate each model.
        let context = TrainingContext(config: config, seed: s.seed, artifactDirectory: artifacts)
        var results: [(name: String, result: ModelResult)] = []
        var retrievalRows: [RetrievalLossRow] = []
        var foldIns: [FoldInEvaluation.Result] = []
        var evaluationSeconds: [String: Double] = [:]
        for name in s.models {
            note("training \(name)")
            let trained = try modelRegistry.train(name, on: partition.train, context: context)
            guard trained.model.itemCount == partition.train.itemCount else {
                throw EvaluationError.modelShape(name: name, items: trained.model.itemCount, expected: partition.train.itemCount)
            }
            note("evaluating \(name)")
            let evaluationStart = Date()
            defer { evaluationSeconds[name] = Date().timeIntervalSince(evaluationStart) }
            if loo {
                let metrics = SampledRankingProtocol(negatives: s.negatives, k: s.k, seed: s.seed, batchSize: s.batchSize)
                    .evaluate(trained.model, split: partition)
                results.append((name, .sampled(metrics, trainSeconds: trained.trainSeconds)))
            } else {
                let metrics = FullRankingProtocol(k: s.k, batchSize: s.batchSize).evaluate(trained.model, split: partition)
                results.append((name, .full(metrics, trainSeconds: trained.trainSeconds)))
            }
            if retrievalOptions.retrieval != nil {
                note("serving \(name) through the retrieval pipeline")
                if let rows = try retrievalOptions.rows(name: name, model: trained.model, split: partition, config: config, k: s.k) {
                    retrievalRows += rows
                }
                if let result = try retrievalOptions.foldInResult(name: name, model: trained.model, split: partition, config: config, k: s.k) {
                    foldIns.append(result)
                }
            }
        }

        let report = EvaluationReport(
            dataset: counts, split: partition.kind.name, k: s.k, protocol: s.evaluationProtocol,
            negatives: loo ? s.negatives : nil,
            models: Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0.result) }),
            retrieval: retrievalOptions.retrieval == nil ? nil : retrievalRows,
            foldIn: retrievalOptions.foldIn ? foldIns : nil)
        if json {
            try printJSON(report)
        } else {
            print(report.table(order: results.map(\.name), evaluationSeconds: evaluationSeconds,
                               splitDescription: partition.kind.description,
                               dataName: train == nil ? dataDirectory.standardizedFileURL.lastPathComponent : "supplied files"))
            if retrievalOptions.retrieval != nil { print(retrievalRows.table(k: s.k)) }
            if retrievalOptions.foldIn { print(foldIns.table(k: s.k)) }
        }
    }

    private func note(_ message: String) {
        if ProgressReporter.isTerminal { printError(message) }
    }
}

/// Counts of the whole dataset (before the split).
struct DatasetCounts: Encodable {
    var users: Int
    var items: Int
    var positives: Int
}

/// One model's figures in the report.
enum ModelResult: Encodable {
    case full(RankingMetrics, trainSeconds: Double)
    case sampled(SampledMetrics, trainSeconds: Double)

    enum Keys: String, CodingKey {
        case precision, recall, ndcg, hitRate = "hit_rate", map, mrr, coverage
        case usersEvaluated = "users_evaluated", trainSeconds = "train_seconds"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case let .full(m, seconds):
            try c.encode(m.precision, forKey: .precision)
            try c.encode(m.recall, forKey: .recall)
            try c.encode(m.ndcg, forKey: .ndcg)
            try c.encode(m.hitRate, forKey: .hitRate)
            try c.encode(m.map, forKey: .map)
            try c.encode(m.mrr, forKey: .mrr)
            try c.encode(m.coverage, forKey: .coverage)
            try c.encode(m.usersEvaluated, forKey: .usersEvaluated)
            try c.encode(seconds, forKey: .trainSeconds)
        case let .sampled(m, seconds):
            try c.encode(m.hitRate, forKey: .hitRate)
            try c.encode(m.ndcg, forKey: .ndcg)
            try c.encode(m.usersEvaluated, forKey: .usersEvaluated)
            try c.encode(seconds, forKey: .trainSeconds)
        }
    }
}

/// The shape of `marquee evaluate --json`.
struct EvaluationReport: Encodable {
    var dataset: DatasetCounts
    var split: String
    var k: Int
    var `protocol`: String
    /// loo-sampled only.
    var negatives: Int?
    var models: [String: ModelResult]
    /// `--retrieval`: the ANN-loss rows (absent otherwise).
    var retrieval: [RetrievalLossRow]? = nil
    /// `--fold-in`: trained users against their fold-in, one entry per model with vectors (absent otherwise).
    var foldIn: [FoldInEvaluation.Result]? = nil

    enum CodingKeys: String, CodingKey {
        case dataset, split, k, `protocol`, negatives, models, retrieval
        case foldIn = "fold_in"
    }

    /// A readable table, one row per model in `order`.
    func table(order: [String], evaluationSeconds: [String: Double], splitDescription: String, dataName: String) -> String {
        var lines = ["\(dataName): \(dataset.users) users, \(dataset.items) items, \(dataset.positives) positives",
                     "split: \(splitDescription); protocol: \(`protocol`)\(negatives.map { " (\($0) sampled negatives)" } ?? ""); K = \(k)",
                     ""]
        func cell(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }
        func number(_ x: Double) -> String { String(format: "%.4f", x) }
        let nameWidth = max(10, order.map(\.count).max() ?? 0)
        func name(_ text: String) -> String { text + String(repeating: " ", count: max(0, nameWidth - text.count)) }
        if `protocol` == "loo-sampled" {
            lines.append(name("model") + ["HR@\(k)", "NDCG@\(k)", "users", "train s", "eval s"].map { cell($0, 10) }.joined())
            for model in order {
                guard case let .sampled(m, seconds)? = models[model] else { continue }
                lines.append(name(model) + [number(m.hitRate), number(m.ndcg), "\(m.usersEvaluated)", String(format: "%.2f", seconds),
                                        String(format: "%.2f", evaluationSeconds[model] ?? 0)]
                    .map { cell($0, 10) }.joined())
            }
        } else {
            let headers = ["P@\(k)", "R@\(k)", "NDCG@\(k)", "HR@\(k)", "MAP@\(k)", "MRR@\(k)", "cov@\(k)", "users", "train s", "eval s"]
            lines.append(name("model") + headers.map { cell($0, 10) }.joined())
            for model in order {
                guard case let .full(m, seconds)? = models[model] else { continue }
                let cells = [m.precision, m.recall, m.ndcg, m.hitRate, m.map, m.mrr, m.coverage].map(number)
                    + ["\(m.usersEvaluated)", String(format: "%.2f", seconds), String(format: "%.2f", evaluationSeconds[model] ?? 0)]
                lines.append(name(model) + cells.map { cell($0, 10) }.joined())
            }
        }
        return lines.joined(separator: "\n")
    }
}
