import ArgumentParser
import Dataset
import Evaluation
import Foundation
import LinearAlgebra
import Models
import Support

/// What `marquee train --model gmf|mlp|neumf --json` prints.
struct NCFTrainSummary: Encodable {
    var model: String
    var out: String
    var users: Int
    var items: Int
    var positives: Int
    var parameters: Int
    var factors: Int
    var layers: [Int]
    var epochs: [NeuralCF.EpochRecord]
    var bestEpoch: Int
    var bestValidation: Double?
    var stoppedEarly: Bool
    var samplesPerEpoch: Int
    var seconds: Double

    enum CodingKeys: String, CodingKey {
        case model, out, users, items, positives, parameters, factors, layers, epochs
        case bestEpoch = "best_epoch", bestValidation = "best_validation", stoppedEarly = "stopped_early"
        case samplesPerEpoch = "samples_per_epoch", seconds
    }
}

extension Train {
    /// Trains GMF, MLP or NeuMF with the parsed options over the `ncf:` config section and saves it.
    func trainNCF() throws {
        let start = Date()
        let config = try common.loadConfig()
        let c = config.ncf
        let all: Interactions
        let dataDirectory: URL
        if trainFile != nil {
            (all, dataDirectory) = try loadTrainingData(config)
        } else {
            // The dataset folder, through the binary cache when config data.use_cache is on.
            dataDirectory = common.dataDirectory(config)
            let cache = config.data.useCache ? common.artifactDirectory(config, dataDirectory: dataDirectory) : nil
            let loadOptions = LoadOptions(threshold: config.data.threshold, skipBadLines: config.data.skipBadLines,
                                          cacheDirectory: cache)
            all = try MovieLensDataset.load(from: dataDirectory, options: loadOptions).interactions
        }

        var options = c.trainingOptions(seed: seed ?? c.seed)
        options.epochs = epochs ?? c.epochs
        options.batchSize = batchSize ?? c.batchSize
        options.learningRate = learningRate ?? c.learningRate
        options.negatives = negatives ?? c.negatives
        options.regularization = als.regularization ?? c.regularization
        options.seed = seed ?? c.seed
        options.patience = patience ?? c.patience
        options.threads = threads ?? Threads.count
        let kind = NeuralCF.Kind(rawValue: model)!
        let architecture = NeuralCF.Architecture(
            kind: kind, factors: factors ?? c.factors, layers: layers.flatMap(parseLayers) ?? c.layers,
            userCount: all.userCount, itemCount: all.itemCount)
        do { try architecture.validate() } catch { throw ValidationError("\(error)") }

        var training = all
        var validate: ((Int, NeuralCF) -> Double)? = nil
        if c.validation && !noValidation {
            let holdout = ValidationHoldout(all, users: c.validationUsers, seed: options.seed)
            training = holdout.training
            let metric = SampledRankingProtocol(negatives: 100, k: 10, seed: options.seed)
            validate = { _, model in metric.evaluate(model, train: holdout.training, test: holdout.heldOut).ndcg }
            printError("validation: latest positive of \(holdout.userCount) users held out, NDCG@10 among 100 sampled negatives")
        }

        var initial: NeuralCF? = nil
        if let gmfPath = pretrainedGMF, let mlpPath = pretrainedMLP {
            let gmf = try NeuralCF.load(from: URL(fileURLWithPath: gmfPath))
            let mlp = try NeuralCF.load(from: URL(fileURLWithPath: mlpPath))
            guard gmf.users == all.users, gmf.items == all.items, mlp.users == all.users, mlp.items == all.items else {
                throw ValidationError("the pre-trained models were trained on other users or movies than \(dataDirectory.path)")
            }
            initial = try NeuralCF(pretrainedGMF: gmf.model, mlp: mlp.model, alpha: c.alpha)
            guard initial!.architecture.factors == architecture.factors, initial!.architecture.layers == architecture.layers else {
                throw ValidationError("--factors/--layers differ from the pre-trained models' (\(initial!.architecture.factors), \(initial!.architecture.layers))")
            }
        }

        try options.validate() // before the step count divides by the batch size
        let steps = (training.positiveCount * (1 + options.negatives) + options.batchSize - 1) / options.batchSize
        let progress = ProgressReporter("training \(model)", total: steps)
        let (trained, report) = try NeuralCF.train(architecture, on: training, options: options, initial: initial,
                                                   progress: progress, validate: validate)
        progress.finish()

        let outURL = outputURL(config, dataDirectory: dataDirectory)
        try FileManager.default.createDirectory(at: outURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try trained.save(to: outURL, users: all.users, items: all.items,
                         training: NeuralCF.TrainingInfo(options: options, report: report))

        let summary = NCFTrainSummary(
            model: model, out: outURL.path, users: all.userCount, items: all.itemCount, positives: training.positiveCount,
            parameters: trained.parameterCount, factors: architecture.factors, layers: architecture.layers,
            epochs: report.epochs, bestEpoch: report.bestEpoch, bestValidation: report.bestValidation,
            stoppedEarly: report.stoppedEarly, samplesPerEpoch: report.samplesPerEpoch,
            seconds: Date().timeIntervalSince(start))
        if json {
            try printJSON(summary)
        } else {
            for e in report.epochs {
                let v = e.validation.map { String(format: "  validation NDCG@10 %.4f", $0) } ?? ""
                print(String(format: "epoch %3d  loss %.4f%@  %.2fs", e.epoch, e.loss, v, e.seconds))
            }
            print("kept epoch \(report.bestEpoch)\(report.stoppedEarly ? " (stopped early)" : ""); wrote \(outURL.path)")
        }
    }
}

extension MarqueeConfig.NCFSection {
    /// The training options of this section, with `seed`.
    func trainingOptions(seed: UInt64) -> NeuralCF.TrainingOptions {
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

/// `marquee evaluate`'s way to train an NCF model: the `ncf:` config section for a fixed number of
/// epochs (no validation hold-out: evaluation's own test part stays unseen, and train stays whole).
func trainNCFForEvaluation(_ kind: NeuralCF.Kind, _ train: Interactions, _ context: TrainingContext) throws -> any Recommender {
    let c = context.config.ncf
    let architecture = NeuralCF.Architecture(kind: kind, factors: c.factors, layers: c.layers,
                                             userCount: train.userCount, itemCount: train.itemCount)
    let progress = ProgressReporter("training \(kind.rawValue)", total: 0)
    defer { progress.finish() }
    return try NeuralCF.train(architecture, on: train, options: c.trainingOptions(seed: context.seed), progress: progress).model
}

/// Each user's latest positive (by timestamp) held out of training for validation while training; the
/// score is `Evaluation`'s loo-sampled NDCG@10 (the held-out movie among 100 sampled unrated movies).
struct ValidationHoldout {
    let training: Interactions
    let heldOut: Interactions
    let userCount: Int

    /// - Parameter maxUsers: hold out for at most this many users (a seeded sample; 0 = every user).
    init(_ all: Interactions, users maxUsers: Int, seed: UInt64) {
        let m = all.byUser
        var rng = SeededGenerator(seed: seed, stream: 0x56414C)
        var latest = [Int](repeating: -1, count: m.rows)   // entry index held out per user
        for u in 0..<m.rows {
            var best = -1, positives = 0
            for p in m.range(ofRow: u) where m.values[p] >= all.threshold {
                positives += 1
                if best < 0 || m.timestamps[p] >= m.timestamps[best] { best = p }
            }
            if positives >= 2 { latest[u] = best }   // keep at least one positive in training
        }
        var chosen = (0..<m.rows).filter { latest[$0] >= 0 }
        if maxUsers > 0 && chosen.count > maxUsers {
            for j in stride(from: chosen.count - 1, to: 0, by: -1) { chosen.swapAt(j, rng.nextInt(below: j + 1)) }
            chosen = Array(chosen.prefix(maxUsers))
        }
        let held = Set(chosen.map { latest[$0] })
        var train = (rows: [Int32](), cols: [Int32](), values: [Float](), times: [Int64]())
        var test = train
        for u in 0..<m.rows {
            for p in m.range(ofRow: u) {
                if held.contains(p) {
                    test.rows.append(Int32(u)); test.cols.append(m.columnIndex[p]); test.values.append(m.values[p]); test.times.append(m.timestamps[p])
                } else {
                    train.rows.append(Int32(u)); train.cols.append(m.columnIndex[p]); train.values.append(m.values[p]); train.times.append(m.timestamps[p])
                }
            }
        }
        training = all.replacingRatings(CSRMatrix(rows: m.rows, columns: m.columns, rowIndex: train.rows,
                                                  columnIndex: train.cols, values: train.values, timestamps: train.times))
        heldOut = all.replacingRatings(CSRMatrix(rows: m.rows, columns: m.columns, rowIndex: test.rows,
                                                 columnIndex: test.cols, values: test.values, timestamps: test.times))
        userCount = chosen.count
    }
}
