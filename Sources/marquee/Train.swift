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
        abstract: "Train a model (als) and write it as a model file.",
        discussion: """
        Reads the dataset folder (--data, default config data.path) or a single ratings file (--train), \
        trains on its positives (ratings ≥ config data.threshold) and writes the model to --out (default \
        <models-dir>/<dataset>/<model>.model). Hyperparameters default to config.yaml; flags override it.
        """
    )

    /// Models `train` knows.
    static let models = ["als"]

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

    func validate() throws {
        guard Train.models.contains(model) else {
            throw ValidationError("unknown model '\(model)' (known: \(Train.models.joined(separator: ", ")))")
        }
        if let factors, factors < 1 { throw ValidationError("--factors must be ≥ 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
    }

    func run() throws {
        let config = try common.loadConfig()
        switch model {
        case "als": try runALS(config: config)
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
