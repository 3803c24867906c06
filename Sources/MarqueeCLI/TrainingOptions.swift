import ArgumentParser
import Models
import Workspace

/// The options only ALS takes (`train --model als`, the ALS benchmark harness); each overrides its
/// `als:` key, checked by the same rule.
public struct ALSOptions: ParsableArguments {
    @Option(help: "ALS: α, a positive's confidence is 1 + α·r (default: config als.alpha).")
    public var alpha: Float?

    @Option(help: "ALS: full sweeps over users and items (default: config als.iterations).")
    public var iterations: Int?

    @Option(help: "ALS: cg (warm-started conjugate gradient) or cholesky (exact) (default: config als.solver).")
    public var solver: ALSConfiguration.Solver?

    @Option(name: .customLong("cg-steps"), help: "ALS: conjugate-gradient steps per row (default: config als.cg_steps).")
    public var cgSteps: Int?

    @Option(help: "ALS: r in 1 + α·r (default: config als.confidence).")
    public var confidence: ALSConfiguration.Confidence?

    @Flag(help: "ALS: compute the training loss after every iteration (slower).")
    public var loss = false

    public init() {}

    /// Lays the given flags over the `als:` section.
    public func apply(to config: inout MarqueeConfig) {
        config.set(\.als.alpha, alpha, flag: "--alpha")
        config.set(\.als.iterations, iterations, flag: "--iterations")
        config.set(\.als.solver, solver, flag: "--solver")
        config.set(\.als.cgSteps, cgSteps, flag: "--cg-steps")
        config.set(\.als.confidence, confidence, flag: "--confidence")
    }
}

/// The options only GMF, MLP and NeuMF take; each overrides its `ncf:` key.
public struct NCFOptions: ParsableArguments {
    @Option(help: "NCF: passes over the positives (stops earlier when validation stops improving).")
    public var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "NCF: samples (positives and negatives) per Adam step.")
    public var batchSize: Int?

    @Option(name: .customLong("lr"), help: "NCF: Adam learning rate.")
    public var learningRate: Float?

    @Option(help: "NCF: sampled negatives per positive, resampled every epoch.")
    public var negatives: Int?

    @Option(help: "NCF: MLP tower, comma separated; the first entry is the concatenated user+item embedding width (e.g. 64,32,16,8).")
    public var layers: String?

    @Option(help: "NCF: epochs without a better validation NDCG@10 before stopping (0: never stop early).")
    public var patience: Int?

    @Flag(name: .customLong("no-validation"), help: "NCF: train on every positive for the given epochs, with no held-out validation.")
    public var noValidation = false

    public init() {}

    /// Lays the given flags over the `ncf:` section.
    /// - Throws: `ValidationError` for a `--layers` list that is not integers.
    public func apply(to config: inout MarqueeConfig) throws {
        config.set(\.ncf.epochs, epochs, flag: "--epochs")
        config.set(\.ncf.batchSize, batchSize, flag: "--batch-size")
        config.set(\.ncf.learningRate, learningRate, flag: "--lr")
        config.set(\.ncf.negatives, negatives, flag: "--negatives")
        config.set(\.ncf.patience, patience, flag: "--patience")
        if let layers {
            guard let widths = integerList(layers) else {
                throw ValidationError("--layers must be comma-separated integers, e.g. 64,32,16,8; got '\(layers)'")
            }
            config.set(\.ncf.layers, widths, flag: "--layers")
        }
        if noValidation { config.set(\.ncf.validation, false, flag: "--no-validation") }
    }
}
