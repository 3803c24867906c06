import Dataset
import Foundation
import LinearAlgebra
import Support

/// What a training run measured.
public struct ALSTrainingReport: Sendable, Equatable {
    /// Wall time of the iterations alone (not reading data, not building confidence rows), seconds.
    public var seconds: Double = 0
    /// Wall time of each iteration, seconds (loss computation excluded).
    public var iterationSeconds: [Double] = []
    /// Training loss after each iteration (empty unless requested); see `ALSSolver.loss`.
    public var loss: [Double] = []
    /// Total wall time of the user half-sweeps and of the item half-sweeps, seconds.
    public var userSeconds: Double = 0
    /// Total wall time of the item half-sweeps, seconds.
    public var itemSeconds: Double = 0

    /// Mean wall time per iteration.
    public var secondsPerIteration: Double { iterationSeconds.isEmpty ? 0 : iterationSeconds.reduce(0, +) / Double(iterationSeconds.count) }
}

extension ALS {
    /// Trains on the positives of `training` (ratings ≥ its threshold).
    ///
    /// Vectors start uniform in [0, 0.01) from `configuration.seed` (users, then items); each iteration
    /// re-solves every user with the items fixed, then every item with the users fixed. The same seed and
    /// thread count give bit-identical factors.
    /// - Parameters:
    ///   - training: the interactions whose positives are learnt.
    ///   - configuration: the hyperparameters (checked first).
    ///   - threads: workers for the row loops (default every core). Keep OpenBLAS at one thread.
    ///   - computeLoss: compute the training loss after each iteration (costs about a third of an
    ///     iteration), like `implicit`'s `calculate_training_loss`.
    ///   - progress: report iterations on standard error (`ProgressReporter`: a bar with an ETA on a terminal,
    ///     a line every ~10 s otherwise, nothing for short training); false for silence.
    ///   - onIteration: called after each iteration with its 1-based number and the loss (nil unless computed).
    /// - Throws: `ALSError.invalidConfiguration`.
    /// - Complexity: per iteration O(nnz·f·(1 + cgSteps) + (users + items)·f²) for CG, O(nnz·f² + (users + items)·f³) for Cholesky.
    public static func train(
        on training: Interactions, configuration: ALSConfiguration, threads: Int = Threads.count,
        computeLoss: Bool = false, progress: Bool = true,
        onIteration: ((_ iteration: Int, _ loss: Double?) -> Void)? = nil
    ) throws -> (model: ALS, report: ALSTrainingReport) {
        try train(positives: training.positives(), userIds: training.users.externalIds, itemIds: training.items.externalIds,
                  configuration: configuration, threads: threads, computeLoss: computeLoss, progress: progress, onIteration: onIteration)
    }

    /// Trains on a users × items matrix of positives (every stored entry is a positive; its value is the
    /// rating used when `configuration.confidence == .rating`).
    public static func train(
        positives: CSRMatrix, userIds: [Int32], itemIds: [Int32], configuration: ALSConfiguration,
        threads: Int = Threads.count, computeLoss: Bool = false, progress: Bool = true,
        onIteration: ((_ iteration: Int, _ loss: Double?) -> Void)? = nil
    ) throws -> (model: ALS, report: ALSTrainingReport) {
        try configuration.validate()
        precondition(positives.rows == userIds.count && positives.columns == itemIds.count)
        guard positives.nonZeroCount > 0 else { throw ALSError.noPositives(users: positives.rows, items: positives.columns) }
        let f = configuration.factors
        let users = positives.rows, items = positives.columns
        let byUser = ConfidenceRows(positives, configuration: configuration)
        let byItem = ConfidenceRows(positives.transposed(), configuration: configuration)

        var generator = SeededGenerator(seed: configuration.seed)
        var x = [Float](repeating: 0, count: users * f)
        var y = [Float](repeating: 0, count: items * f)
        for k in 0..<x.count { x[k] = generator.nextFloat() * 0.01 }
        for k in 0..<y.count { y[k] = generator.nextFloat() * 0.01 }

        var report = ALSTrainingReport()
        let reporter = ProgressReporter("training ALS (\(f) factors, \(configuration.solver.rawValue))",
                                        total: configuration.iterations, enabled: progress)
        let clock = ContinuousClock()
        x.withUnsafeMutableBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                // With no users or no items there is nothing to fit: every vector stays at its start.
                guard let xp = xb.baseAddress, let yp = yb.baseAddress else { return }
                for iteration in stride(from: 1, through: configuration.iterations, by: 1) {
                    let start = clock.now
                    ALSSolver.solve(byUser, target: xp, fixed: yp, factors: f, configuration: configuration, threads: threads)
                    let middle = clock.now
                    ALSSolver.solve(byItem, target: yp, fixed: xp, factors: f, configuration: configuration, threads: threads)
                    let end = clock.now
                    let seconds = Self.seconds(end - start)
                    report.userSeconds += Self.seconds(middle - start)
                    report.itemSeconds += Self.seconds(end - middle)
                    report.iterationSeconds.append(seconds)
                    var loss: Double? = nil
                    if computeLoss {
                        let value = ALSSolver.loss(byUser, x: xp, y: yp, factors: f, regularization: configuration.regularization, threads: threads)
                        report.loss.append(value)
                        loss = value
                        reporter.note(String(format: "iteration %d: loss %.6f (%.2fs)", iteration, value, seconds))
                    }
                    reporter.advance()
                    onIteration?(iteration, loss)
                }
            }
        }
        reporter.finish()
        report.seconds = report.iterationSeconds.reduce(0, +)
        if progress && reporter.style == .bar, let first = report.iterationSeconds.first {
            printError(String(format: "ALS: first iteration %.2fs; users %.2fs, items %.2fs in all", first, report.userSeconds, report.itemSeconds))
        }
        let model = ALS(factors: f, userFactors: x, itemFactors: y, userIds: userIds, itemIds: itemIds,
                        configuration: configuration, lossHistory: report.loss)
        return (model, report)
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
