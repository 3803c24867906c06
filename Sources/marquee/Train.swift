import ArgumentParser
import Dataset
import Foundation
import LinearAlgebra
import MarqueeCLI
import Models
import Support
import Workspace

/// `marquee train --model KIND`: trains one model on a dataset (or a ratings file) and writes it as one
/// artefact file with its provenance.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model (\(ModelKind.names())) and write it as a model file.",
        discussion: """
        Reads the dataset folder (--data, default config data.path) or a single ratings file (--train), \
        trains on its positives (ratings ≥ config data.threshold) and writes the model to --out (default \
        <models-dir>/<dataset>/<model>.model), recording the data's fingerprint, the settings and this \
        version of Marquee. Hyperparameters default to config.yaml; flags override it (same limits).

        als: implicit-feedback ALS (Hu, Koren & Volinsky 2008) with warm-started conjugate gradient or \
        exact Cholesky solves. gmf, mlp, neumf: Neural Collaborative Filtering (He et al. 2017); every \
        epoch draws --negatives fresh negatives per positive among the movies the user never rated; \
        training stops early when validation NDCG@10 stops improving. popularity: positives per movie. \
        --json prints one summary object on stdout.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Model to train.")
    var model: ModelKind

    @Option(name: .customLong("train"), help: "Train on this ratings file (MovieLens CSV) instead of the dataset folder.",
            completion: .file())
    var trainFile: String?

    @Option(help: "Output model file (default: <models-dir>/<dataset>/<model>.model).", completion: .file(extensions: ["model"]))
    var out: String?

    @Option(help: "Length of the user and item vectors (config als.factors or ncf.factors).")
    var factors: Int?

    @Option(help: "λ, weight of the L2 penalty (config als.regularization or ncf.regularization).")
    var regularization: Float?

    @Option(help: "Seed of the random initialisation (config als.seed or ncf.seed).")
    var seed: UInt64?

    @Option(help: "Worker threads (default: MARQUEE_THREADS or every core).")
    var threads: Int?

    @Flag(help: "Print one JSON object with the training figures on stdout.")
    var json = false

    @OptionGroup(title: "ALS options") var als: ALSOptions
    @OptionGroup(title: "NCF options") var ncf: NCFOptions

    @Option(name: .customLong("pretrained-gmf"), help: "NeuMF only: start from this trained GMF model file (with --pretrained-mlp).",
            completion: .file(extensions: ["model"]))
    var pretrainedGMF: String?

    @Option(name: .customLong("pretrained-mlp"), help: "NeuMF only: start from this trained MLP model file (with --pretrained-gmf).",
            completion: .file(extensions: ["model"]))
    var pretrainedMLP: String?

    func validate() throws {
        if let threads, !(1...4096).contains(threads) { throw ValidationError("--threads must be an integer in 1…4096, got \(threads)") }
        if (pretrainedGMF == nil) != (pretrainedMLP == nil) {
            throw ValidationError("--pretrained-gmf and --pretrained-mlp go together")
        }
        if pretrainedGMF != nil && model != .neumf {
            throw ValidationError("--pretrained-gmf/--pretrained-mlp only apply to --model neumf")
        }
    }

    /// What `train --json` prints.
    struct Summary: Encodable {
        var model: String
        var out: String
        var users: Int
        var items: Int
        var positives: Int
        var seconds: Double
        var details: TrainingDetails

        enum Keys: String, CodingKey { case model, out, users, items, positives, seconds }
        func encode(to encoder: Encoder) throws {
            try details.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(model, forKey: .model)
            try c.encode(out, forKey: .out)
            try c.encode(users, forKey: .users)
            try c.encode(items, forKey: .items)
            try c.encode(positives, forKey: .positives)
            try c.encode(seconds, forKey: .seconds)
        }
    }

    func run() throws {
        var config = try common.loadConfig()
        switch model {
        case .als:
            config.set(\.als.factors, factors, flag: "--factors")
            config.set(\.als.regularization, regularization, flag: "--regularization")
            config.set(\.als.seed, seed, flag: "--seed")
        case .gmf, .mlp, .neumf:
            config.set(\.ncf.factors, factors, flag: "--factors")
            config.set(\.ncf.regularization, regularization, flag: "--regularization")
            config.set(\.ncf.seed, seed, flag: "--seed")
        case .popularity: break
        }
        als.apply(to: &config)
        try ncf.apply(to: &config)
        try config.validate()

        // The training data: the ratings file, else the dataset folder (through its cache).
        let data: Interactions
        let source: URL
        if let trainFile {
            source = URL(fileURLWithPath: trainFile)
            let (table, _) = try MovieLensDataset.readRatings(source, skipBadLines: config.data.skipBadLines)
            data = Interactions.build(from: table, threshold: config.data.threshold).0
        } else {
            source = common.dataDirectory(config)
            let cache = config.data.useCache ? common.artifactDirectory(config, dataDirectory: source) : nil
            data = try MovieLensDataset.load(from: source, options: LoadOptions(threshold: config.data.threshold,
                                                                                skipBadLines: config.data.skipBadLines,
                                                                                cacheDirectory: cache)).interactions
        }
        var initial: NeuralCF? = nil
        if let gmfPath = pretrainedGMF, let mlpPath = pretrainedMLP {
            let gmf = try LoadedModel.load(from: URL(fileURLWithPath: gmfPath)), mlp = try LoadedModel.load(from: URL(fileURLWithPath: mlpPath))
            guard let g = gmf.neuralCF, gmf.kind == .gmf, let m = mlp.neuralCF, mlp.kind == .mlp else {
                throw ValidationError("--pretrained-gmf needs a GMF model file and --pretrained-mlp an MLP one")
            }
            guard gmf.users == data.users, gmf.items == data.items, mlp.users == data.users, mlp.items == data.items else {
                throw ValidationError("the pre-trained models were trained on other users or movies than \(source.path)")
            }
            initial = try NeuralCF(pretrainedGMF: g, mlp: m, alpha: config.ncf.alpha)
            guard initial!.architecture.factors == config.ncf.factors, initial!.architecture.layers == config.ncf.layers else {
                throw ValidationError("--factors/--layers differ from the pre-trained models' (\(initial!.architecture.factors), \(initial!.architecture.layers))")
            }
        }

        var trained = try model.train(TrainingRequest(data: data, config: config, threads: threads ?? Threads.count, validation: true,
                                                      computeLoss: als.loss, initial: initial, logger: TerminalLog.logger))
        let stamp = Provenance.DatasetStamp(name: source.lastPathComponent, fingerprint: hexChecksum(data.fingerprint),
                                            threshold: data.threshold, users: data.userCount, items: data.itemCount,
                                            positives: data.positiveCount)
        trained.model.provenance = Provenance(dataset: stamp, settings: config.settings(for: model))
        let url = out.map { URL(fileURLWithPath: $0) }
            ?? common.artifactDirectory(config, dataDirectory: trainFile == nil ? source : source.deletingLastPathComponent())
                .appendingPathComponent(model.fileName)
        try trained.model.save(to: url)

        if json {
            try printJSON(Summary(model: model.rawValue, out: url.path, users: data.userCount, items: data.itemCount,
                                  positives: data.positiveCount, seconds: trained.alsSeconds ?? trained.seconds, details: trained.details))
            return
        }
        switch trained.details {
        case let .als(factors, iterations, seconds, perIteration, loss):
            print(String(format: "als: %d users × %d items, %d factors, %d iterations in %.2f s (%.3f s/iteration) → %@",
                         data.userCount, data.itemCount, factors, iterations, seconds, perIteration, url.path))
            if let last = loss.last { print(String(format: "training loss: %.6f", last)) }
        case let .neuralCF(report, _, _, _, _):
            for e in report.epochs {
                let v = e.validation.map { String(format: "  validation NDCG@10 %.4f", $0) } ?? ""
                print(String(format: "epoch %3d  loss %.4f%@  %.2fs", e.epoch, e.loss, v, e.seconds))
            }
            print("kept epoch \(report.bestEpoch)\(report.stoppedEarly ? " (stopped early)" : ""); wrote \(url.path)")
        case .popularity:
            print("popularity: positives of \(data.itemCount) movies counted → \(url.path)")
        }
    }
}
