import ArgumentParser
import Dataset
import Foundation
import MarqueeCLI
import Workspace

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
        config.yaml; every flag is checked by the same rule as its key.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "How test positives are held out.")
    var split: SplitKind?

    @Option(name: .customLong("test-fraction"), help: "random split: fraction of each user's positives held out, in (0, 1).")
    var testFraction: Double?

    @Option(name: .customLong("leave-last"), help: "leave-last split: number of each user's latest positives held out.")
    var leaveLast: Int?

    @Option(name: .customLong("time-cut"), help: "time split: quantile of all timestamps after which positives are test, in (0, 1).")
    var timeCut: Double?

    @Option(help: "Seed of the split, the sampled negatives and the models.")
    var seed: UInt64?

    @Option(name: [.short, .long], help: "Cut-off K of the metrics.")
    var k: Int?

    @Option(help: "Comma-separated model names (\(ModelKind.names())).")
    var models: String?

    @Option(help: "Train ratings file (MovieLens format); needs --test. Replaces the split.", completion: .file())
    var train: String?

    @Option(help: "Test ratings file (MovieLens format); its positives are the held-out items.", completion: .file())
    var test: String?

    @Option(name: .customLong("protocol"), help: "The evaluation protocol.")
    var evaluationProtocol: EvaluationProtocolKind?

    @Option(help: "loo-sampled: unrated movies sampled per user.")
    var negatives: Int?

    @Option(help: "A rating at or above this value is a positive.")
    var threshold: Float?

    @Flag(name: .customLong("skip-bad-lines"), help: "Skip malformed lines instead of stopping.")
    var skipBadLines = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    @OptionGroup(title: "ANN loss (two-stage retrieval)") var retrievalOptions: RetrievalEvaluationOptions

    func validate() throws {
        if (train == nil) != (test == nil) {
            throw ValidationError(train == nil ? "--test needs --train (give both files or neither)" : "--train needs --test (give both files or neither)")
        }
        if train != nil && split != nil {
            throw ValidationError("--split does not apply with --train/--test (the files are the split)")
        }
        if evaluationProtocol == .looSampled && train == nil {
            if let split, split != .leaveLast {
                throw ValidationError("--protocol loo-sampled holds out each user's latest positive; drop --split \(split.rawValue) (or use --train/--test)")
            }
            if let leaveLast, leaveLast != 1 {
                throw ValidationError("--protocol loo-sampled holds out exactly one positive per user; drop --leave-last \(leaveLast)")
            }
        }
    }

    /// The configuration with this command's flags applied, checked.
    func settings() throws -> MarqueeConfig {
        var config = try common.loadConfig()
        config.set(\.evaluation.split, split, flag: "--split")
        config.set(\.evaluation.testFraction, testFraction, flag: "--test-fraction")
        config.set(\.evaluation.leaveLast, leaveLast, flag: "--leave-last")
        config.set(\.evaluation.timeCut, timeCut, flag: "--time-cut")
        config.set(\.evaluation.seed, seed, flag: "--seed")
        config.set(\.evaluation.k, k, flag: "--k")
        config.set(\.evaluation.protocol, evaluationProtocol, flag: "--protocol")
        config.set(\.evaluation.negatives, negatives, flag: "--negatives")
        config.set(\.data.threshold, threshold, flag: "--threshold")
        if skipBadLines { config.set(\.data.skipBadLines, true, flag: "--skip-bad-lines") }
        if let models {
            let names = nameList(models)
            config.set(\.evaluation.models, try names.map(ModelKind.named), flag: "--models")
        }
        try retrievalOptions.apply(to: &config)
        try config.validate()
        return config
    }

    func run() throws {
        let config = try settings()
        let request = EvaluationRequest(settings: config.evaluation, retrieval: retrievalOptions.check)
        let report: EvaluationReport
        if let train, let test {
            let (trainTable, _) = try MovieLensDataset.readRatings(URL(fileURLWithPath: train), skipBadLines: config.data.skipBadLines)
            let (testTable, _) = try MovieLensDataset.readRatings(URL(fileURLWithPath: test), skipBadLines: config.data.skipBadLines)
            let partition = try Split.supplied(train: trainTable, test: testTable, threshold: config.data.threshold, trainPath: train)
            let counts = DatasetCounts(users: partition.train.userCount, items: partition.train.itemCount,
                                       positives: partition.train.positiveCount + partition.test.positiveCount)
            report = try Workspace.evaluate(partition, counts: counts, dataName: "supplied files", request: request, config: config,
                                            logger: TerminalLog.logger)
        } else {
            report = try common.openWorkspace(config).evaluate(request)
        }
        if json { try printJSON(report) } else { print(report.text) }
    }
}

/// `marquee evaluate --retrieval exact|hnsw [--ef LIST]`: the models with vectors (als, gmf, neumf) also
/// serve the test users through the two-stage pipeline, with exact candidates and with HNSW candidates
/// at each ef, and the ANN loss is reported.
struct RetrievalEvaluationOptions: ParsableArguments {
    enum Mode: String, ExpressibleByArgument, CaseIterable { case exact, hnsw }

    @Option(help: "Also serve the test users through the two-stage pipeline (models with vectors): exact (exact candidates only) or hnsw (exact vs HNSW at each --ef).")
    var retrieval: Mode?

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
        if ef != nil && retrieval != .hnsw { throw ValidationError("--ef needs --retrieval hnsw") }
        if let retrievalUsers, retrievalUsers < 1 { throw ValidationError("--retrieval-users must be positive, got \(retrievalUsers)") }
    }

    /// Each `--ef` and `--candidates` value is checked by the rule of `retrieval.ef` / `retrieval.candidates`.
    func apply(to config: inout MarqueeConfig) throws {
        for (flag, text, key) in [("--ef", ef, \MarqueeConfig.retrieval.ef), ("--candidates", candidateCounts, \MarqueeConfig.retrieval.candidates)] {
            guard let text else { continue }
            guard let values = integerList(text) else { throw ValidationError("\(flag) must be comma-separated integers, got '\(text)'") }
            for value in values {
                var probe = config
                probe.set(key, value, flag: flag)
                try probe.validate()
            }
        }
    }

    /// The request's retrieval part (nil without `--retrieval`).
    var check: EvaluationRequest.RetrievalCheck? {
        guard let retrieval else { return nil }
        return EvaluationRequest.RetrievalCheck(hnsw: retrieval == .hnsw, efValues: ef.flatMap(integerList),
                                                candidateCounts: candidateCounts.flatMap(integerList), maxUsers: retrievalUsers,
                                                foldIn: foldIn)
    }
}
