import Dataset
import Evaluation
import Foundation
import LinearAlgebra
import Logging
import Models
import Retrieval
import Support

/// Every kind of model Marquee trains, with what each can do and how it is trained, saved and loaded.
///
/// The one list of models: the CLI's `--model` values, `evaluate --models`, the server's `model=` and
/// the simulator's static policies all come from `allCases`. Adding a model is one `case` and one entry
/// in `spec` below; everything else (names, help texts, capabilities, training from the config, files)
/// follows from it.
public enum ModelKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case popularity, als, gmf, mlp, neumf

    /// What a kind of model can do.
    public struct Capabilities: Sendable, Equatable {
        /// It has user and item vectors whose inner product ranks items, so the nearest-neighbour stage
        /// can search them (and `export`, `build-index` and `similar` can use them).
        public var hasVectors: Bool
        /// It serves someone new from a list of liked movies without retraining (fold-in).
        public var foldsIn: Bool
        /// The re-ranker of its two-stage pipeline when the configuration says `dot` (the model's own).
        public var defaultReranker: RerankScorer
    }

    /// Everything that differs between kinds, in one place.
    private struct Spec: Sendable {
        var summary: String
        var capabilities: Capabilities
        /// The artefact kind of its files (several model kinds may share one: `ncf`).
        var artifactKind: String
        var train: @Sendable (TrainingRequest) throws -> TrainedModel
    }

    private var spec: Spec {
        switch self {
        case .popularity:
            return Spec(summary: "items ranked by their number of positives in train",
                        capabilities: .init(hasVectors: false, foldsIn: false, defaultReranker: .dot),
                        artifactKind: Popularity.artifactKind, train: Trainers.popularity)
        case .als:
            return Spec(summary: "implicit-feedback ALS (config als:)",
                        capabilities: .init(hasVectors: true, foldsIn: true, defaultReranker: .dot),
                        artifactKind: ALS.artifactKind, train: Trainers.als)
        case .gmf:
            return Spec(summary: "NCF generalised matrix factorisation (config ncf:)",
                        capabilities: .init(hasVectors: true, foldsIn: true, defaultReranker: .dot),
                        artifactKind: NeuralCF.artifactKind, train: { try Trainers.neuralCF(.gmf, $0) })
        case .mlp:
            return Spec(summary: "NCF multi-layer perceptron (config ncf:)",
                        capabilities: .init(hasVectors: false, foldsIn: false, defaultReranker: .dot),
                        artifactKind: NeuralCF.artifactKind, train: { try Trainers.neuralCF(.mlp, $0) })
        case .neumf:
            return Spec(summary: "NCF NeuMF = GMF + MLP (config ncf:)",
                        capabilities: .init(hasVectors: true, foldsIn: true, defaultReranker: .neumf),
                        artifactKind: NeuralCF.artifactKind, train: { try Trainers.neuralCF(.neumf, $0) })
        }
    }

    /// A one-line description for help texts.
    public var summary: String { spec.summary }
    /// What this kind can do.
    public var capabilities: Capabilities { spec.capabilities }
    /// The artefact kind written in its files' header.
    public var artifactKind: String { spec.artifactKind }
    /// Its file name in an artefact folder: `als.model`.
    public var fileName: String { "\(rawValue).model" }
    public var description: String { rawValue }

    /// The kinds with vectors to search (the two-stage pipeline's first stage).
    public static var withVectors: [ModelKind] { allCases.filter(\.capabilities.hasVectors) }

    /// "popularity, als, gmf, mlp, neumf" (or the names of `kinds`).
    public static func names(_ kinds: [ModelKind] = allCases) -> String { kinds.map(\.rawValue).joined(separator: ", ") }

    /// The kind called `name`, or an error listing the known names.
    /// - Throws: `WorkspaceError.unknownModel`.
    public static func named(_ name: String) throws -> ModelKind {
        guard let kind = ModelKind(rawValue: name.lowercased()) else {
            throw WorkspaceError.unknownModel(name, known: allCases.map(\.rawValue))
        }
        return kind
    }

    /// Trains a model of this kind as `request` says.
    /// - Throws: the model's configuration errors, `WorkspaceError.nothingToTrainOn`.
    public func train(_ request: TrainingRequest) throws -> TrainedModel {
        guard request.data.positiveCount > 0 else {
            throw WorkspaceError.nothingToTrainOn(model: rawValue, threshold: request.data.threshold)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var trained = try spec.train(request)
        trained.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return trained
    }
}

/// What training a model needs: the data, the configuration (flags applied) and how the run is meant.
public struct TrainingRequest: Sendable {
    /// The interactions to learn from (their positives).
    public var data: Interactions
    /// The settings: `als:` or `ncf:` sections.
    public var config: MarqueeConfig
    /// Overrides the section's seed (evaluation trains every model with its own seed).
    public var seed: UInt64?
    /// Worker threads.
    public var threads: Int
    /// NCF: hold out each user's latest positive and keep the best epoch (config `ncf.validation`). Off
    /// for evaluation, whose own test part must stay unseen and whose train part stays whole.
    public var validation: Bool
    /// ALS: compute the training loss after each iteration (slower).
    public var computeLoss: Bool
    /// NeuMF: start from these weights (the paper's pre-training).
    public var initial: NeuralCF?
    /// Where training reports what it does.
    public var logger: Logger

    public init(data: Interactions, config: MarqueeConfig, seed: UInt64? = nil, threads: Int = Threads.count,
                validation: Bool = false, computeLoss: Bool = false, initial: NeuralCF? = nil,
                logger: Logger = Logger(label: "marquee")) {
        self.data = data
        self.config = config
        self.seed = seed
        self.threads = threads
        self.validation = validation
        self.computeLoss = computeLoss
        self.initial = initial
        self.logger = logger
    }
}

/// A freshly trained model with what training did.
public struct TrainedModel: Sendable {
    public var model: LoadedModel
    /// Wall time of the whole training call, seconds.
    public var seconds: Double
    /// The figures `train --json` prints.
    public var details: TrainingDetails

    /// ALS: the time of the iterations alone (what the ALS benchmarks compare).
    public var alsSeconds: Double? {
        if case let .als(_, _, seconds, _, _) = details { return seconds }
        return nil
    }
}

/// What training did, per kind of model.
public enum TrainingDetails: Sendable, Encodable {
    case popularity
    case als(factors: Int, iterations: Int, seconds: Double, secondsPerIteration: Double, loss: [Double])
    case neuralCF(NeuralCF.TrainingReport, validationUsers: Int?, parameters: Int, factors: Int, layers: [Int])

    enum Keys: String, CodingKey {
        case factors, iterations, seconds, loss, secondsPerIteration = "seconds_per_iteration"
        case epochs, bestEpoch = "best_epoch", bestValidation = "best_validation", stoppedEarly = "stopped_early"
        case samplesPerEpoch = "samples_per_epoch", validationUsers = "validation_users", parameters, layers
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .popularity: break
        case let .als(factors, iterations, seconds, perIteration, loss):
            try c.encode(factors, forKey: .factors)
            try c.encode(iterations, forKey: .iterations)
            _ = seconds   // the caller reports the seconds
            try c.encode(perIteration, forKey: .secondsPerIteration)
            try c.encode(loss, forKey: .loss)
        case let .neuralCF(report, validationUsers, parameters, factors, layers):
            try c.encode(parameters, forKey: .parameters)
            try c.encode(factors, forKey: .factors)
            try c.encode(layers, forKey: .layers)
            try c.encode(report.epochs, forKey: .epochs)
            try c.encode(report.bestEpoch, forKey: .bestEpoch)
            try c.encodeIfPresent(report.bestValidation, forKey: .bestValidation)
            try c.encode(report.stoppedEarly, forKey: .stoppedEarly)
            try c.encode(report.samplesPerEpoch, forKey: .samplesPerEpoch)
            try c.encodeIfPresent(validationUsers, forKey: .validationUsers)
        }
    }
}

/// How each kind trains from the configuration.
enum Trainers {
    static func popularity(_ r: TrainingRequest) throws -> TrainedModel {
        TrainedModel(model: LoadedModel(kind: .popularity, recommender: Popularity(training: r.data), users: r.data.users,
                                        items: r.data.items),
                     seconds: 0, details: .popularity)
    }

    static func als(_ r: TrainingRequest) throws -> TrainedModel {
        let configuration = r.config.als.configuration(seed: r.seed)
        let (model, report) = try ALS.train(on: r.data, configuration: configuration, threads: r.threads, computeLoss: r.computeLoss)
        r.logger.info("trained ALS (\(configuration.factors) factors, \(configuration.iterations) iterations) in \(String(format: "%.1f", report.seconds)) s")
        return TrainedModel(model: LoadedModel(kind: .als, recommender: model, users: r.data.users, items: r.data.items),
                            seconds: report.seconds,
                            details: .als(factors: configuration.factors, iterations: configuration.iterations, seconds: report.seconds,
                                          secondsPerIteration: report.secondsPerIteration, loss: report.loss))
    }

    static func neuralCF(_ kind: NeuralCF.Kind, _ r: TrainingRequest) throws -> TrainedModel {
        let c = r.config.ncf
        var options = c.trainingOptions(seed: r.seed ?? c.seed)
        options.threads = r.threads
        let architecture = NeuralCF.Architecture(kind: kind, factors: c.factors, layers: c.layers,
                                                 userCount: r.data.userCount, itemCount: r.data.itemCount)
        try architecture.validate()
        var training = r.data
        var validate: ((Int, NeuralCF) -> Double)? = nil
        var validationUsers: Int? = nil
        if r.validation && c.validation {
            let holdout = try Split.leaveLast(r.data, count: 1, users: c.validationUsers, seed: options.seed)
            training = holdout.train
            validationUsers = holdout.testUserCount
            let metric = SampledRankingProtocol(negatives: 100, k: 10, seed: options.seed)
            validate = { _, model in metric.evaluate(model, train: holdout.train, test: holdout.test).ndcg }
            r.logger.info("validation: latest positive of \(holdout.testUserCount) users held out, NDCG@10 among 100 sampled negatives")
        }
        let steps = (training.positiveCount * (1 + options.negatives) + max(1, options.batchSize) - 1) / max(1, options.batchSize)   // per epoch
        let progress = ProgressReporter("training \(kind.rawValue)", total: steps)
        let (model, report) = try NeuralCF.train(architecture, on: training, options: options, initial: r.initial,
                                                 progress: progress, validate: validate)
        progress.finish()
        var loaded = LoadedModel(kind: ModelKind(rawValue: kind.rawValue)!, recommender: model, users: r.data.users, items: r.data.items)
        loaded.trainingInfo = NeuralCF.TrainingInfo(options: options, report: report)
        return TrainedModel(model: loaded, seconds: 0, details: .neuralCF(report, validationUsers: validationUsers, parameters: model.parameterCount,
                                                                      factors: architecture.factors, layers: architecture.layers))
    }
}

extension MarqueeConfig.ALSSection {
    /// The library configuration of this section (with `seed` overriding the section's).
    public func configuration(seed: UInt64? = nil) -> ALSConfiguration {
        ALSConfiguration(factors: factors, regularization: regularization, alpha: alpha, iterations: iterations, solver: solver,
                         cgSteps: cgSteps, confidence: confidence, seed: seed ?? self.seed)
    }
}

extension MarqueeConfig.NCFSection {
    /// The training options of this section, with `seed`.
    public func trainingOptions(seed: UInt64) -> NeuralCF.TrainingOptions {
        var options = NeuralCF.TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = learningRate
        options.negatives = negatives
        options.regularization = regularization
        options.seed = seed
        options.patience = patience
        return options
    }
}
