import ArgumentParser
import Dataset
import Foundation

/// `marquee train --model NAME`: trains one model on a dataset (or a ratings file) and writes it as one
/// artefact file.
///
/// A thin dispatcher: options every model shares live here; each model's own options and its run live in
/// `Train+<Model>.swift` (`Train+ALS.swift`), so adding a model is one small file plus one `case` below.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model (als, gmf, mlp, neumf) and write it as a model file.",
        discussion: """
        Reads the dataset folder (--data, default config data.path) or a single ratings file (--train), \
        trains on its positives (ratings ≥ config data.threshold) and writes the model to --out (default \
        <models-dir>/<dataset>/<model>.model). Hyperparameters default to config.yaml; flags override it.

        als: implicit-feedback ALS (Hu, Koren & Volinsky 2008) with warm-started conjugate gradient or \
        exact Cholesky solves. gmf, mlp, neumf: Neural Collaborative Filtering (He et al. 2017); every \
        epoch draws --negatives fresh negatives per positive among the movies the user never rated; \
        training stops early when validation NDCG@10 stops improving. Progress and loss go to the \
        terminal (stderr); --json prints one summary object on stdout.
        """
    )

    /// Models `train` knows.
    static let models = ["als"] + ncfModels
    static let ncfModels = ["gmf", "mlp", "neumf"]

    @OptionGroup var common: CommonOptions

    @Option(help: "Model to train: \(Train.models.joined(separator: ", ")).")
    var model: String

    @Option(name: .customLong("train"), help: "Train on this ratings file (MovieLens CSV) instead of the dataset folder.")
    var trainFile: String?

    @Option(help: "Output model file (default: <models-dir>/<dataset>/<model>.model).")
    var out: String?

    @Option(help: "Length of the user and item vectors (default: the model's config section).")
    var factors: Int?

    @Option(help: "Seed of the random initialisation (default: the model's config section).")
    var seed: UInt64?

    @Option(help: "Worker threads (default: MARQUEE_THREADS or every core).")
    var threads: Int?

    @Flag(help: "Print one JSON object with the training figures on stdout.")
    var json = false

    @OptionGroup(title: "ALS options") var als: ALSTrainOptions

    // NCF options (Train+NCF.swift).
    @Option(help: "NCF: passes over the positives (stops earlier when validation stops improving).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "NCF: samples (positives and negatives) per Adam step.")
    var batchSize: Int?

    @Option(name: .customLong("lr"), help: "NCF: Adam learning rate.")
    var learningRate: Float?

    @Option(help: "NCF: sampled negatives per positive, resampled every epoch.")
    var negatives: Int?

    @Option(help: "NCF: MLP tower, comma separated; the first entry is the concatenated user+item embedding width (e.g. 64,32,16,8).")
    var layers: String?

    @Option(help: "NCF: epochs without a better validation NDCG@10 before stopping (0: never stop early).")
    var patience: Int?

    @Flag(name: .customLong("no-validation"), help: "NCF: train on every positive for the given epochs, with no held-out validation.")
    var noValidation = false

    @Option(name: .customLong("pretrained-gmf"), help: "NeuMF only: start from this trained GMF model file (with --pretrained-mlp).")
    var pretrainedGMF: String?

    @Option(name: .customLong("pretrained-mlp"), help: "NeuMF only: start from this trained MLP model file (with --pretrained-gmf).")
    var pretrainedMLP: String?

    func validate() throws {
        guard Train.models.contains(model) else {
            throw ValidationError("unknown model '\(model)' (known: \(Train.models.joined(separator: ", ")))")
        }
        if let factors, factors < 1 { throw ValidationError("--factors must be ≥ 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        if let layers, parseLayers(layers) == nil {
            throw ValidationError("--layers must be comma-separated positive integers, e.g. 64,32,16,8; got '\(layers)'")
        }
        if (pretrainedGMF == nil) != (pretrainedMLP == nil) {
            throw ValidationError("--pretrained-gmf and --pretrained-mlp go together")
        }
        if pretrainedGMF != nil && model != "neumf" {
            throw ValidationError("--pretrained-gmf/--pretrained-mlp only apply to --model neumf")
        }
    }

    func run() throws {
        let config = try common.loadConfig()
        switch model {
        case "als": try runALS(config: config)
        case "gmf", "mlp", "neumf": try trainNCF()
        default: throw ValidationError("unknown model '\(model)'")
        }
    }

    /// The training interactions: the ratings file given by `--train`, else the dataset folder; and the
    /// folder whose name names the artefact subfolder.
    func loadTrainingData(_ config: MarqueeConfig) throws -> (interactions: Interactions, dataDirectory: URL) {
        if let trainFile {
            let url = URL(fileURLWithPath: trainFile)
            let (table, _) = try MovieLensDataset.readRatings(url, skipBadLines: config.data.skipBadLines)
            let (interactions, _) = Interactions.build(from: table, threshold: config.data.threshold)
            return (interactions, url.deletingLastPathComponent())
        }
        let directory = common.dataDirectory(config)
        let options = LoadOptions(threshold: config.data.threshold, skipBadLines: config.data.skipBadLines)
        return (try MovieLensDataset.load(from: directory, options: options).interactions, directory)
    }

    /// `--out`, or `<models-dir>/<dataset>/<model>.model`.
    func outputURL(_ config: MarqueeConfig, dataDirectory: URL) -> URL {
        if let out { return URL(fileURLWithPath: out) }
        return common.artifactDirectory(config, dataDirectory: dataDirectory).appendingPathComponent("\(model).model")
    }
}

/// `"64,32,16,8"` → `[64, 32, 16, 8]`, or nil when malformed.
func parseLayers(_ text: String) -> [Int]? {
    let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! > 0 }) else { return nil }
    return parts.map { $0! }
}
