import ArgumentParser
import Dataset
import Foundation
import LinearAlgebra
import Models
import Support

/// The options only ALS takes (`marquee train --model als`).
struct ALSTrainOptions: ParsableArguments {
    @Option(help: "λ, weight of the L2 penalty (ALS and NCF; default: the model's config section).")
    var regularization: Float?

    @Option(help: "ALS: α, a positive's confidence is 1 + α·r (default: config als.alpha).")
    var alpha: Float?

    @Option(help: "ALS: full sweeps over users and items (default: config als.iterations).")
    var iterations: Int?

    @Option(help: "ALS: cg (warm-started conjugate gradient) or cholesky (exact) (default: config als.solver).")
    var solver: String?

    @Option(name: .customLong("cg-steps"), help: "ALS: conjugate-gradient steps per row (default: config als.cg_steps).")
    var cgSteps: Int?

    @Option(help: "ALS: r in 1 + α·r: binary or rating (default: config als.confidence).")
    var confidence: String?

    @Flag(help: "ALS: compute the training loss after every iteration (slower).")
    var loss = false
}

/// JSON printed by `train --model als --json`.
struct ALSTrainSummary: Encodable {
    let model = "als"
    let factors: Int
    let iterations: Int
    let seconds: Double
    let secondsPerIteration: Double
    let loss: [Double]

    enum CodingKeys: String, CodingKey {
        case model, factors, iterations, seconds, loss
        case secondsPerIteration = "seconds_per_iteration"
    }
}

extension MarqueeConfig.ALSSection {
    /// The library configuration, with `overrides` applied.
    /// - Throws: `ValidationError` naming a bad solver or confidence name.
    func configuration(factors: Int? = nil, seed: UInt64? = nil, overrides o: ALSTrainOptions? = nil) throws -> ALSConfiguration {
        let solverName = o?.solver ?? solver
        guard let solverValue = ALSConfiguration.Solver(rawValue: solverName) else {
            throw ValidationError("ALS solver '\(solverName)' is not one of cg, cholesky")
        }
        let confidenceName = o?.confidence ?? confidence
        guard let confidenceValue = ALSConfiguration.Confidence(rawValue: confidenceName) else {
            throw ValidationError("ALS confidence '\(confidenceName)' is not one of binary, rating")
        }
        let result = ALSConfiguration(
            factors: factors ?? self.factors, regularization: o?.regularization ?? regularization, alpha: o?.alpha ?? alpha,
            iterations: o?.iterations ?? iterations, solver: solverValue, cgSteps: o?.cgSteps ?? cgSteps,
            confidence: confidenceValue, seed: seed ?? self.seed)
        do { try result.validate() } catch { throw ValidationError("\(error)") }
        return result
    }
}

extension Train {
    /// Trains ALS, writes the model file, reports.
    func runALS(config: MarqueeConfig) throws {
        let configuration = try config.als.configuration(factors: factors, seed: seed, overrides: als)
        let (interactions, dataDirectory) = try loadTrainingData(config)
        let (trained, report) = try ALS.train(on: interactions, configuration: configuration,
                                              threads: threads ?? Threads.count, computeLoss: als.loss)
        let url = outputURL(config, dataDirectory: dataDirectory)
        try trained.save(to: url)
        if json {
            try printJSON(ALSTrainSummary(factors: configuration.factors, iterations: configuration.iterations, seconds: report.seconds,
                                          secondsPerIteration: report.secondsPerIteration, loss: report.loss))
        } else {
            print(String(format: "als: %d users × %d items, %d factors, %d iterations in %.2f s (%.3f s/iteration) → %@",
                         trained.userCount, trained.itemCount, configuration.factors, configuration.iterations,
                         report.seconds, report.secondsPerIteration, url.path))
            if let last = report.loss.last { print(String(format: "training loss: %.6f", last)) }
        }
    }
}
