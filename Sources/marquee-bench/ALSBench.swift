import ArgumentParser
import Dataset
import Evaluation
import Foundation
import LinearAlgebra
import MarqueeCLI
import Models
import Support
import VectorSearch
import Workspace

/// `marquee als-bench` (hidden): the ALS quality harness of `Tools/bench/als.sh` and `als_sweep.sh`.
///
/// Trains ALS on a ratings file and scores it on a test file (or on a validation slice held out of the
/// train file) with the Evaluation module's full-ranking protocol (the code behind `marquee evaluate`);
/// or scores vectors trained elsewhere (`--peer DIR` with `user_factors.npy`, `item_factors.npy`,
/// `user_ids.npy`, `item_ids.npy`, e.g. from `implicit`) by the very same code.
struct ALSBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "als-bench", abstract: "ALS quality harness for the benchmark scripts.")

    @OptionGroup var common: CommonOptions
    @Option(name: .customLong("train"), help: "Train ratings file.") var trainFile: String
    @Option(name: .customLong("test"), help: "Test ratings file (ignored with --validation).") var testFile: String?
    @Option(help: "Hold out this fraction of each user's train positives (Split.random) as the evaluation set instead of --test.")
    var validation: Double?
    @Option(name: .customLong("split-seed"), help: "Seed of the --validation hold-out.") var splitSeed: UInt64 = 1
    @Option(help: "Score the vectors in this folder (.npy) instead of training.") var peer: String?
    @Option(help: "Cut-off of the metrics.") var k = 10
    @Option(name: .customLong("speed-npy"), help: "Only time training on positives from DIR/users.npy, DIR/items.npy (dense indices).")
    var speedNpy: String?
    @Option var factors: Int?
    @Option var regularization: Float?
    @Option var seed: UInt64?
    @Option var threads: Int?
    @OptionGroup(title: "ALS options") var als: ALSOptions

    struct Result: Encodable {
        var ndcg: Double
        var recall: Double
        var users: Int
        var seconds: Double
        var secondsPerIteration: Double
        enum CodingKeys: String, CodingKey { case ndcg, recall, users, seconds, secondsPerIteration = "seconds_per_iteration" }
    }

    /// The `als:` section with this command's flags, checked.
    func configuration() throws -> ALSConfiguration {
        var config = try common.loadConfig()
        config.set(\.als.factors, factors, flag: "--factors")
        config.set(\.als.regularization, regularization, flag: "--regularization")
        config.set(\.als.seed, seed, flag: "--seed")
        als.apply(to: &config)
        try config.validate()
        return config.als.configuration()
    }

    func run() throws {
        let config = try common.loadConfig()
        if let speedNpy { return try speedRun(config, URL(fileURLWithPath: speedNpy)) }
        let threshold = config.data.threshold
        let table = try MovieLensDataset.readRatings(URL(fileURLWithPath: trainFile)).table
        let split: Split
        if let validation {
            split = try Split.random(Interactions.build(from: table, threshold: threshold).0, testFraction: validation, seed: splitSeed)
        } else {
            guard let testFile else { throw ValidationError("give --test FILE or --validation FRACTION") }
            let heldOut = try MovieLensDataset.readRatings(URL(fileURLWithPath: testFile)).table
            split = try Split.supplied(train: table, test: heldOut, threshold: threshold, trainPath: trainFile)
        }
        let train = split.train

        let model: ALS
        var result = Result(ndcg: 0, recall: 0, users: 0, seconds: 0, secondsPerIteration: 0)
        if let peer {
            model = try Self.loadPeer(URL(fileURLWithPath: peer), train: train)
        } else {
            let configuration = try configuration()
            let (trained, report) = try ALS.train(on: train, configuration: configuration, threads: threads ?? Threads.count)
            model = trained
            result.seconds = report.seconds
            result.secondsPerIteration = report.secondsPerIteration
        }
        let metrics = FullRankingProtocol(k: k).evaluate(model, split: split)
        result.ndcg = metrics.ndcg; result.recall = metrics.recall; result.users = metrics.usersEvaluated
        try printJSON(result)
    }

    /// Trains on positives given as two `.npy` index arrays and prints the timings.
    func speedRun(_ config: MarqueeConfig, _ folder: URL) throws {
        let users = try NumpyFile.readInt(folder.appendingPathComponent("users.npy")).values.map { Int32($0) }
        let items = try NumpyFile.readInt(folder.appendingPathComponent("items.npy")).values.map { Int32($0) }
        let rows = Int(users.max() ?? -1) + 1, columns = Int(items.max() ?? -1) + 1
        let m = CSRMatrix(rows: rows, columns: columns, rowIndex: users, columnIndex: items,
                          values: [Float](repeating: 1, count: users.count), timestamps: [Int64](repeating: 0, count: users.count))
        let configuration = try configuration()
        let (_, report) = try ALS.train(positives: m, userIds: (0..<rows).map { Int32($0) }, itemIds: (0..<columns).map { Int32($0) },
                                        configuration: configuration, threads: threads ?? Threads.count, computeLoss: als.loss, progress: false)
        printError(String(format: "users %.3f s, items %.3f s over %d iterations", report.userSeconds, report.itemSeconds, configuration.iterations))
        try printJSON(Result(ndcg: 0, recall: 0, users: rows, seconds: report.seconds, secondsPerIteration: report.secondsPerIteration))
    }

    /// Vectors from `.npy` files, rows reordered to `train`'s dense indices (missing rows stay zero).
    static func loadPeer(_ folder: URL, train: Interactions) throws -> ALS {
        let users = try NumpyFile.readFloat(folder.appendingPathComponent("user_factors.npy"))
        let items = try NumpyFile.readFloat(folder.appendingPathComponent("item_factors.npy"))
        let userIds = try NumpyFile.readInt(folder.appendingPathComponent("user_ids.npy")).values
        let itemIds = try NumpyFile.readInt(folder.appendingPathComponent("item_ids.npy")).values
        let f = users.columns
        func reorder(_ m: Matrix<Float>, _ ids: [Int64], _ map: IdMap) -> [Float] {
            var out = [Float](repeating: 0, count: map.count * f)
            for (row, id) in ids.enumerated() {
                guard let dense = map.index(of: Int32(id)) else { continue }
                for c in 0..<f { out[dense * f + c] = m.values[row * f + c] }
            }
            return out
        }
        return ALS(factors: f, userFactors: reorder(users, userIds, train.users), itemFactors: reorder(items, itemIds, train.items),
                   userIds: train.users.externalIds, itemIds: train.items.externalIds, configuration: ALSConfiguration(factors: f))
    }
}
