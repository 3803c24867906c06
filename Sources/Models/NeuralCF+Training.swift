import Dataset
import Foundation
import LinearAlgebra
import Support

extension NeuralCF {
    /// How to train: the paper's settings are the defaults (4 negatives, batch 256, Adam at 0.001).
    public struct TrainingOptions: Sendable, Equatable {
        /// Passes over the positives.
        public var epochs = 20
        /// Samples (positives and negatives) per Adam step.
        public var batchSize = 256
        /// Adam's step size.
        public var learningRate: Float = 0.001
        /// Sampled negatives per positive, drawn anew every epoch among the items the user never rated.
        public var negatives = 4
        /// L2 strength λ: `λ/2·‖e‖²` per looked-up embedding row (averaged over the batch like the loss)
        /// and `λ/2·‖W‖²` on the dense weights (Adam's `weight_decay` in PyTorch).
        public var regularization: Float = 0
        /// Seed of the initial weights, the negatives and the shuffles.
        public var seed: UInt64 = 42
        /// Stop after this many epochs without a better validation score (0: never stop early).
        public var patience = 3
        /// Worker threads. Each batch is always cut into `shards` fixed parts whose gradients are summed
        /// in order, so the result is the same bit for bit whatever the thread count.
        public var threads = Threads.count
        /// Parts each batch is cut into (the unit of parallel work).
        public var shards = 2
        /// Adam's first-moment decay β₁.
        public var beta1: Float = 0.9
        /// Adam's second-moment decay β₂.
        public var beta2: Float = 0.999
        /// Adam's ε.
        public var epsilon: Float = 1e-8

        /// The paper's settings.
        public init() {}

        /// Checks every setting against its range (the limits a front end's flags share); names the problem.
        public func validate() throws {
            if epochs < 1 || epochs > 100_000 { throw NeuralCFError.invalidSetting("epochs must be in 1...100000, got \(epochs)") }
            if batchSize < 1 || batchSize > 1 << 20 { throw NeuralCFError.invalidSetting("batch size must be in 1...1048576, got \(batchSize)") }
            if negatives > 1_000 { throw NeuralCFError.invalidSetting("negatives must be in 0...1000, got \(negatives)") }
            if !learningRate.isFinite || !regularization.isFinite {
                throw NeuralCFError.invalidSetting("learning rate and regularization must be finite")
            }
            if !(learningRate > 0) { throw NeuralCFError.invalidSetting("learning rate must be > 0, got \(learningRate)") }
            if negatives < 0 { throw NeuralCFError.invalidSetting("negatives must be ≥ 0, got \(negatives)") }
            if regularization < 0 { throw NeuralCFError.invalidSetting("regularization must be ≥ 0, got \(regularization)") }
            if shards < 1 { throw NeuralCFError.invalidSetting("shards must be ≥ 1") }
        }
    }

    /// One epoch's figures.
    public struct EpochRecord: Sendable, Codable, Equatable {
        /// The epoch's number (1-based).
        public var epoch: Int
        /// Mean binary cross-entropy over the epoch's samples (without the L2 term).
        public var loss: Double
        /// The validation callback's score, when one was given.
        public var validation: Double?
        /// Wall time of the epoch, in seconds.
        public var seconds: Double
    }

    /// What training did.
    public struct TrainingReport: Sendable, Codable, Equatable {
        /// Every epoch run, in order.
        public var epochs: [EpochRecord] = []
        /// The epoch whose weights were kept (1-based): the best validation score, or the last epoch.
        public var bestEpoch = 0
        /// The best validation score (nil without validation).
        public var bestValidation: Double?
        /// Whether training stopped before `epochs` for lack of improvement.
        public var stoppedEarly = false
        /// Positives plus sampled negatives per epoch.
        public var samplesPerEpoch = 0
    }

    /// Trains a model on the positives of `training` (rating ≥ its threshold).
    ///
    /// Each epoch draws `negatives` items per positive uniformly among the items the user did not rate
    /// in `training`, shuffles all samples, and takes Adam steps on mini-batches. Embedding rows get
    /// lazy Adam updates (only rows looked up in the batch move; the same as PyTorch's `SparseAdam`
    /// on sparse embeddings), dense layers plain Adam. After each epoch `validate(epoch, model)` (when
    /// given) scores the model, e.g. NDCG@10 on held-out positives; the best epoch's weights are kept
    /// and training stops after `patience` epochs without improvement.
    /// - Parameters:
    ///   - architecture: the variant and widths (checked first).
    ///   - training: the interactions; its positives are learnt, its other ratings are never negatives.
    ///   - options: epochs, batch, learning rate, negatives, λ, seed, threads.
    ///   - initial: weights to start from (e.g. `NeuralCF(pretrainedGMF:mlp:)`); default: seeded init.
    ///   - progress: advanced by mini-batch steps over all epochs; its `total` (epochs × steps per epoch)
    ///     is set here, so a caller may create it with total 0. Each epoch's loss is a note.
    ///   - validate: scores the model after each epoch (higher is better); nil keeps the last epoch.
    /// - Returns: the trained model and the report.
    /// - Throws: `NeuralCFError` for a bad architecture or setting, or data without positives.
    /// - Complexity: O(epochs · positives · (1 + negatives) · cost of one sample).
    public static func train(
        _ architecture: Architecture, on training: Interactions, options: TrainingOptions = TrainingOptions(),
        initial: NeuralCF? = nil, progress: ProgressReporter? = nil,
        validate: ((_ epoch: Int, _ model: NeuralCF) -> Double)? = nil
    ) throws -> (model: NeuralCF, report: TrainingReport) {
        try options.validate()
        guard training.positiveCount > 0 else {
            throw NeuralCFError.invalidSetting("the training data (\(training.userCount) users, \(training.itemCount) movies) holds no positive; lower the threshold or check the ratings")
        }
        var arch = architecture
        arch.userCount = training.userCount
        arch.itemCount = training.itemCount
        let start = try initial ?? NeuralCF(architecture: arch, seed: options.seed)
        guard start.architecture == arch else {
            throw NeuralCFError.invalidArchitecture("initial weights do not match the architecture or the data's users/items")
        }
        let trainer = NCFTrainer(model: start, options: options)
        let sampler = NegativeSampler(training: training)
        var report = TrainingReport()
        var best: NeuralCF = start
        var bestScore = -Double.infinity
        var sinceBest = 0
        for epoch in 1...options.epochs {
            let clock = Date()
            let samples = sampler.epochSamples(negatives: options.negatives, seed: options.seed, epoch: epoch)
            report.samplesPerEpoch = samples.count
            // Progress counts mini-batch steps over all epochs (every epoch has as many samples).
            let stepsPerEpoch = (samples.count + options.batchSize - 1) / options.batchSize
            if epoch == 1 { progress?.total = options.epochs * stepsPerEpoch }
            let loss = trainer.epoch(samples, progress: progress, stepsBefore: (epoch - 1) * stepsPerEpoch)
            let model = trainer.model()
            var record = EpochRecord(epoch: epoch, loss: loss, validation: nil, seconds: Date().timeIntervalSince(clock))
            if let validate {
                let score = validate(epoch, model)
                record.validation = score
                if score > bestScore {
                    bestScore = score; best = model; report.bestEpoch = epoch; sinceBest = 0
                } else {
                    sinceBest += 1
                }
            } else {
                best = model; report.bestEpoch = epoch
            }
            report.epochs.append(record)
            let note = String(format: "epoch %d: loss %.4f", epoch, loss)
                + (record.validation.map { String(format: ", validation %.4f", $0) } ?? "")
                + String(format: " (%.2fs)", record.seconds)
            progress?.note(note)
            if validate != nil && options.patience > 0 && sinceBest >= options.patience {
                report.stoppedEarly = true
                break
            }
        }
        if validate != nil { report.bestValidation = bestScore }
        return (best, report)
    }
}

/// The samples of one epoch: parallel arrays of users, items and 0/1 labels, shuffled.
struct NCFSamples {
    var users: [Int32]
    var items: [Int32]
    var labels: [Float]
    var count: Int { users.count }
}

/// Draws negatives: items a user never rated in training, uniformly, with a seeded generator.
struct NegativeSampler {
    let rated: CSRMatrix
    let positives: CSRMatrix
    let itemCount: Int

    init(training: Interactions) {
        rated = training.byUser
        positives = training.positives()
        itemCount = training.itemCount
    }

    /// Whether `user` rated `item` in training (rows are sorted: binary search).
    @inline(__always)
    func hasRated(_ user: Int, _ item: Int32) -> Bool {
        var lo = rated.rowStart[user], hi = rated.rowStart[user + 1]
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = rated.columnIndex[mid]
            if c == item { return true }
            if c < item { lo = mid + 1 } else { hi = mid }
        }
        return false
    }

    /// Every positive followed by `negatives` fresh negatives of its user, then shuffled; the same
    /// `(seed, epoch)` gives the same samples.
    func epochSamples(negatives: Int, seed: UInt64, epoch: Int) -> NCFSamples {
        var rng = SeededGenerator(seed: seed, stream: 0x5A4D_0000 &+ UInt64(epoch))
        let total = positives.nonZeroCount * (1 + negatives)
        var users = [Int32](), items = [Int32](), labels = [Float]()
        users.reserveCapacity(total); items.reserveCapacity(total); labels.reserveCapacity(total)
        for u in 0..<positives.rows {
            let canSample = rated.count(ofRow: u) < itemCount
            for p in positives.range(ofRow: u) {
                users.append(Int32(u)); items.append(positives.columnIndex[p]); labels.append(1)
                guard canSample else { continue }
                for _ in 0..<negatives {
                    var j: Int32
                    repeat { j = Int32(rng.nextInt(below: itemCount)) } while hasRated(u, j)
                    users.append(Int32(u)); items.append(j); labels.append(0)
                }
            }
        }
        // Fisher–Yates on the three arrays together.
        var i = users.count - 1
        while i > 0 {
            let j = rng.nextInt(below: i + 1)
            users.swapAt(i, j); items.swapAt(i, j); labels.swapAt(i, j)
            i -= 1
        }
        return NCFSamples(users: users, items: items, labels: labels)
    }
}

/// Adam state and the mutable weights while training.
final class NCFTrainer {
    let architecture: NeuralCF.Architecture
    let layout: NeuralCF.DenseLayout
    let options: NeuralCF.TrainingOptions
    /// Weights, first moments, second moments and row gradients of the four embedding tables
    /// (gmfUser, gmfItem, mlpUser, mlpItem) and of the dense block (index 4).
    var weights: [FloatBuffer]
    var firstMoment: [FloatBuffer]
    var secondMoment: [FloatBuffer]
    var gradients: [FloatBuffer]
    /// Rows touched in the current step, per table, and a stamp per row to list each row once.
    var touched: [[Int32]]
    var stamp: [[UInt32]]
    var currentStamp: UInt32 = 0
    var step = 0
    let workspaces: [NCFWorkspace]
    /// Update only the user tables (gmfUser, mlpUser): items and layers stay frozen (fold-in).
    var trainsUsersOnly = false

    init(model: NeuralCF, options: NeuralCF.TrainingOptions) {
        architecture = model.architecture
        layout = model.layout
        self.options = options
        let blocks = [model.gmfUser, model.gmfItem, model.mlpUser, model.mlpItem, model.dense]
        weights = blocks.map { FloatBuffer(copying: $0) }
        firstMoment = blocks.map { FloatBuffer($0.count) }
        secondMoment = blocks.map { FloatBuffer($0.count) }
        gradients = blocks.map { FloatBuffer($0.count) }
        let rowCounts = [architecture.userCount, architecture.itemCount, architecture.userCount, architecture.itemCount]
        touched = rowCounts.map { _ in [] }
        stamp = rowCounts.map { [UInt32](repeating: 0, count: $0) }
        let shardCapacity = (options.batchSize + options.shards - 1) / options.shards
        workspaces = (0..<options.shards).map { _ in NCFWorkspace(architecture: model.architecture, capacity: shardCapacity) }
    }

    var pointers: NCFWeights {
        NCFWeights(gmfUser: weights[0].pointer, gmfItem: weights[1].pointer, mlpUser: weights[2].pointer,
                   mlpItem: weights[3].pointer, dense: weights[4].pointer)
    }

    /// The current weights as a model.
    func model() -> NeuralCF {
        // Sizes come from the same architecture, so this cannot fail.
        try! NeuralCF(architecture: architecture, gmfUser: weights[0].array, gmfItem: weights[1].array,
                      mlpUser: weights[2].array, mlpItem: weights[3].array, dense: weights[4].array)
    }

    /// One pass over `samples` in mini-batches. Returns the mean cross-entropy.
    /// - Parameter stepsBefore: steps of the earlier epochs (progress counts steps over all epochs).
    func epoch(_ samples: NCFSamples, progress: ProgressReporter?, stepsBefore: Int = 0) -> Double {
        var total = 0.0
        let n = samples.count
        let batch = options.batchSize
        samples.users.withUnsafeBufferPointer { users in
            samples.items.withUnsafeBufferPointer { items in
                samples.labels.withUnsafeBufferPointer { labels in
                    var start = 0
                    var s = 0
                    while start < n {
                        let count = min(batch, n - start)
                        total += computeGradients(users: users.baseAddress! + start, items: items.baseAddress! + start,
                                                  labels: labels.baseAddress! + start, count: count)
                        applyAdam()
                        start += count
                        s += 1
                        if s & 63 == 0 { progress?.update(to: stepsBefore + s) }
                    }
                }
            }
        }
        return n > 0 ? total / Double(n) : 0
    }

    /// Forward and backward over one mini-batch (cut into `shards` parts run in parallel), then sums the
    /// shards' dense gradients in order and scatters the per-sample embedding gradients into the row
    /// gradients. Leaves the batch's gradient in `gradients` and the touched rows in `touched`.
    /// - Returns: the batch's summed cross-entropy.
    @discardableResult
    func computeGradients(users: UnsafePointer<Int32>, items: UnsafePointer<Int32>, labels: UnsafePointer<Float>,
                          count: Int) -> Double {
        let shards = workspaces.count
        let per = (count + shards - 1) / shards
        let w = pointers
        let scale = 1 / Float(count)
        let reg = options.regularization
        let ws = workspaces
        let input = UnsafeSendable((users, items, labels))
        let losses = FloatBuffer(shards)
        let lossPtr = UnsafeSendable(losses.pointer)
        let run: @Sendable (Range<Int>, Int) -> Void = { range, _ in
            for s in range {
                let lo = s * per, n = max(0, min(count, lo + per) - lo)
                ws[s].denseGrad.zero()
                guard n > 0 else { lossPtr.value[s] = 0; continue }
                let (u, i, y) = input.value
                lossPtr.value[s] = Float(ws[s].run(w, users: u + lo, items: i + lo, labels: y + lo, count: n,
                                                   scale: scale, regularization: reg))
            }
        }
        // Tiny batches are not worth waking a second core.
        parallelFor(shards, threads: count >= 64 ? options.threads : 1, grain: 1, run)
        var loss = 0.0
        for s in 0..<shards { loss += Double(losses.pointer[s]) }

        // Dense gradient: shard sums in a fixed order.
        let g = gradients[4].pointer
        g.update(from: workspaces[0].denseGrad.pointer, count: layout.count)
        for s in 1..<shards {
            let src = workspaces[s].denseGrad.pointer
            for p in 0..<layout.count { g[p] += src[p] }
        }
        // Embedding rows: per-sample gradients scattered in sample order.
        currentStamp &+= 1
        if currentStamp == 0 {
            for t in 0..<stamp.count { for r in stamp[t].indices { stamp[t][r] = 0 } }
            currentStamp = 1
        }
        for t in 0..<4 { touched[t].removeAll(keepingCapacity: true) }
        let f = architecture.gmfWidth, e = architecture.mlpWidth
        for s in 0..<shards {
            let lo = s * per, n = max(0, min(count, lo + per) - lo)
            let space = workspaces[s]
            for b in 0..<n {
                let u = Int(users[lo + b]), i = Int(items[lo + b])
                if f > 0 {
                    scatter(table: 0, row: u, width: f, from: space.gmfUserGrad.pointer + b * f)
                    scatter(table: 1, row: i, width: f, from: space.gmfItemGrad.pointer + b * f)
                }
                if e > 0 {
                    let dx0 = space.activationGrads[0].pointer + b * 2 * e
                    scatter(table: 2, row: u, width: e, from: dx0)
                    scatter(table: 3, row: i, width: e, from: dx0 + e)
                }
            }
        }
        return loss
    }

    @inline(__always)
    private func scatter(table t: Int, row: Int, width: Int, from source: UnsafePointer<Float>) {
        let dst = gradients[t].pointer + row * width
        if stamp[t][row] != currentStamp {
            stamp[t][row] = currentStamp
            touched[t].append(Int32(row))
            dst.update(from: source, count: width)
        } else {
            for k in 0..<width { dst[k] += source[k] }
        }
    }

    /// One Adam step with PyTorch's formulas: dense weights as `Adam` (weight decay λ·W,
    /// `w −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)`), embedding rows lazily as `SparseAdam` (only the touched
    /// rows, their L2 term already in the gradient, one global step count for the bias corrections, and
    /// ε added *before* the second-moment correction: `w −= lr/(1−β₁ᵗ) · m / ((√v + ε)/√(1−β₂ᵗ))`).
    /// The ε placement matters early on: at step 1 SparseAdam's effective ε is ε/√0.001 ≈ 32ε, which damps
    /// the near-zero gradients of embedding coordinates instead of moving them by ±lr.
    func applyAdam() {
        step += 1
        let b1 = options.beta1, b2 = options.beta2, eps = options.epsilon
        let correction1 = 1 - pow(b1, Float(step))
        let correction2 = (1 - pow(b2, Float(step))).squareRoot()
        let stepSize = options.learningRate / correction1
        let sparseEpsilon = eps / correction2
        @inline(__always)
        func update(_ t: Int, from lo: Int, count: Int, decay: Float, eps: Float) {
            let w = weights[t].pointer, m = firstMoment[t].pointer, v = secondMoment[t].pointer, g = gradients[t].pointer
            for p in lo..<(lo + count) {
                let grad = g[p] + decay * w[p]
                let mp = b1 * m[p] + (1 - b1) * grad
                let vp = b2 * v[p] + (1 - b2) * grad * grad
                m[p] = mp
                v[p] = vp
                w[p] -= stepSize * mp / (vp.squareRoot() / correction2 + eps)
            }
        }
        if !trainsUsersOnly { update(4, from: 0, count: layout.count, decay: options.regularization, eps: eps) }
        let widths = [architecture.gmfWidth, architecture.gmfWidth, architecture.mlpWidth, architecture.mlpWidth]
        for t in 0..<4 where widths[t] > 0 && (!trainsUsersOnly || t == 0 || t == 2) {
            let width = widths[t]
            for row in touched[t] { update(t, from: Int(row) * width, count: width, decay: 0, eps: sparseEpsilon) }
        }
    }
}

extension NeuralCF {
    /// The training objective on one batch and its gradient, computed by the same code as training
    /// (sharded workspaces, scatter of embedding rows): mean cross-entropy + `λ/2·mean_b(‖e_u‖² + ‖e_i‖²)`
    /// over every looked-up embedding + `λ/2·‖dense‖²`. The gradient has the model's shape (rows not in
    /// the batch are zero). Used by the gradient checks.
    func lossAndGradient(users: [Int32], items: [Int32], labels: [Float], regularization: Float = 0, shards: Int = 2)
        -> (loss: Double, gradient: NeuralCF)
    {
        var options = TrainingOptions()
        options.batchSize = users.count
        options.regularization = regularization
        options.shards = shards
        options.threads = 1
        let trainer = NCFTrainer(model: self, options: options)
        let bce = users.withUnsafeBufferPointer { u in
            items.withUnsafeBufferPointer { i in
                labels.withUnsafeBufferPointer { y in
                    trainer.computeGradients(users: u.baseAddress!, items: i.baseAddress!, labels: y.baseAddress!, count: users.count)
                }
            }
        }
        // Row gradients beyond the touched rows are never written: clear them for the caller.
        var blocks = trainer.gradients.map { [Float](repeating: 0, count: $0.count) }
        let widths = [architecture.gmfWidth, architecture.gmfWidth, architecture.mlpWidth, architecture.mlpWidth]
        for t in 0..<4 where widths[t] > 0 {
            for row in trainer.touched[t] {
                for k in 0..<widths[t] { blocks[t][Int(row) * widths[t] + k] = trainer.gradients[t].pointer[Int(row) * widths[t] + k] }
            }
        }
        blocks[4] = trainer.gradients[4].array
        for p in 0..<blocks[4].count { blocks[4][p] += regularization * dense[p] }
        var loss = bce / Double(users.count)
        var embeddingNorms = 0.0
        let f = architecture.gmfWidth, e = architecture.mlpWidth
        for b in 0..<users.count {
            let u = Int(users[b]), i = Int(items[b])
            for k in 0..<f { embeddingNorms += Double(gmfUser[u * f + k] * gmfUser[u * f + k] + gmfItem[i * f + k] * gmfItem[i * f + k]) }
            for k in 0..<e { embeddingNorms += Double(mlpUser[u * e + k] * mlpUser[u * e + k] + mlpItem[i * e + k] * mlpItem[i * e + k]) }
        }
        var denseNorm = 0.0
        for v in dense { denseNorm += Double(v * v) }
        loss += Double(regularization) / 2 * (embeddingNorms / Double(users.count) + denseNorm)
        let gradient = try! NeuralCF(architecture: architecture, gmfUser: blocks[0], gmfItem: blocks[1],
                                     mlpUser: blocks[2], mlpItem: blocks[3], dense: blocks[4])
        return (loss, gradient)
    }
}
