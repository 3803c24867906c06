import ArgumentParser
import Foundation

/// `marquee train --model …`: trains one model on a dataset and writes its model file.
///
/// A thin dispatcher on `--model`; each model family reads the options it uses (NCF: `Train+NCF.swift`).
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a dataset and write the model file.",
        discussion: """
        Models: gmf, mlp, neumf (Neural Collaborative Filtering, He et al. 2017). Ratings at or above the \
        data threshold are positives; every epoch draws --negatives fresh negatives per positive among the \
        movies the user never rated. Flags override the ncf: section of config.yaml. Progress and loss per \
        epoch go to the terminal (stderr); --json prints one summary object on stdout.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Model to train: gmf, mlp or neumf.")
    var model: String

    @Option(help: "Passes over the positives (NCF stops earlier when validation stops improving).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Samples (positives and negatives) per Adam step.")
    var batchSize: Int?

    @Option(name: .customLong("lr"), help: "Adam learning rate.")
    var learningRate: Float?

    @Option(help: "Sampled negatives per positive, resampled every epoch.")
    var negatives: Int?

    @Option(help: "GMF embedding width (predictive factors).")
    var factors: Int?

    @Option(help: "MLP tower, comma separated; the first entry is the concatenated user+item embedding width (e.g. 64,32,16,8).")
    var layers: String?

    @Option(help: "L2 regularisation strength λ.")
    var regularization: Float?

    @Option(help: "Seed of initialisation, negatives and shuffles.")
    var seed: UInt64?

    @Option(help: "Epochs without a better validation NDCG@10 before stopping (0: never stop early).")
    var patience: Int?

    @Flag(name: .customLong("no-validation"), help: "Train on every positive, for the given epochs, with no held-out validation.")
    var noValidation = false

    @Option(name: .customLong("pretrained-gmf"), help: "NeuMF only: start from this trained GMF model file (with --pretrained-mlp).")
    var pretrainedGMF: String?

    @Option(name: .customLong("pretrained-mlp"), help: "NeuMF only: start from this trained MLP model file (with --pretrained-gmf).")
    var pretrainedMLP: String?

    @Option(help: "Where to write the model (default: <models-dir>/<dataset>/<model>.model).")
    var out: String?

    @Flag(help: "Print one JSON object with the training summary on stdout.")
    var json = false

    static let ncfModels = ["gmf", "mlp", "neumf"]

    func validate() throws {
        guard Self.ncfModels.contains(model) else {
            throw ValidationError("unknown model '\(model)'; expected one of \(Self.ncfModels.joined(separator: ", "))")
        }
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
        switch model {
        case "gmf", "mlp", "neumf": try trainNCF()
        default: throw ValidationError("unknown model '\(model)'")
        }
    }
}

/// `"64,32,16,8"` → `[64, 32, 16, 8]`, or nil when malformed.
func parseLayers(_ text: String) -> [Int]? {
    let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! > 0 }) else { return nil }
    return parts.map { $0! }
}
