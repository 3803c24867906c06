import LinearAlgebra
import Support

extension NeuralCF {
    /// A user the model never saw, as embedding rows learned from the items they like.
    public struct FoldedUser: Sendable, Equatable {
        /// GMF row (`factors` floats; empty for MLP models).
        public let gmf: [Float]
        /// MLP row (`layers[0] / 2` floats; empty for GMF models).
        public let mlp: [Float]
    }

    /// How a new user is folded in.
    public struct FoldInOptions: Sendable, Equatable {
        /// Adam steps, each on every liked item plus fresh negatives.
        public var steps = 60
        /// Sampled negatives per liked item and step, among the items not liked.
        public var negatives = 4
        /// Adam's step size (larger than training's: only two short rows move).
        public var learningRate: Float = 0.01
        /// Seed of the negatives.
        public var seed: UInt64 = 42
        /// 60 steps, 4 negatives, step size 0.01, seed 42.
        public init() {}
    }

    /// Learns embedding rows for someone who likes `likedItems` (dense item indices), with every trained
    /// weight frozen: the training objective (cross-entropy, the liked items as positives and `negatives`
    /// unliked items per liked one, drawn anew at each step) minimised over the new user's GMF and MLP
    /// rows only, by the training code's lazy Adam, starting from the mean of the trained users' rows. It
    /// is ALS's fold-in for NCF, by gradient steps instead of a closed-form solve.
    /// - Throws: `NeuralCFError.invalidSetting` for no liked items, an index out of range or bad options.
    public func foldIn(likedItems: [Int], options: FoldInOptions = FoldInOptions()) throws -> FoldedUser {
        let liked = Array(Set(likedItems)).sorted()
        guard !liked.isEmpty else { throw NeuralCFError.invalidSetting("fold-in needs at least one liked item") }
        if let bad = liked.first(where: { $0 < 0 || $0 >= itemCount }) {
            throw NeuralCFError.invalidSetting("liked item \(bad) is not one of the model's \(itemCount) items")
        }
        guard options.steps >= 1, options.negatives >= 0, options.learningRate > 0 else {
            throw NeuralCFError.invalidSetting("fold-in needs steps ≥ 1, negatives ≥ 0 and a learning rate > 0")
        }
        var single = architecture
        single.userCount = 1
        func meanRow(_ table: [Float], width: Int) -> [Float] {
            var mean = [Double](repeating: 0, count: width)
            for u in 0..<userCount { for k in 0..<width { mean[k] += Double(table[u * width + k]) } }
            return mean.map { Float($0 / Double(max(userCount, 1))) }
        }
        let start = try NeuralCF(architecture: single,
                                 gmfUser: meanRow(gmfUser, width: architecture.gmfWidth), gmfItem: gmfItem,
                                 mlpUser: meanRow(mlpUser, width: architecture.mlpWidth), mlpItem: mlpItem, dense: dense)
        let perStep = liked.count * (1 + options.negatives)
        var training = TrainingOptions()
        training.batchSize = perStep
        training.learningRate = options.learningRate
        training.threads = 1
        training.shards = 1
        let trainer = NCFTrainer(model: start, options: training)
        trainer.trainsUsersOnly = true
        var rng = SeededGenerator(seed: options.seed, stream: 0x464F_4C44)
        let canSample = liked.count < itemCount
        var users = [Int32](repeating: 0, count: perStep), items = [Int32](), labels = [Float]()
        items.reserveCapacity(perStep); labels.reserveCapacity(perStep)
        for _ in 0..<options.steps {
            items.removeAll(keepingCapacity: true); labels.removeAll(keepingCapacity: true)
            for item in liked {
                items.append(Int32(item)); labels.append(1)
                guard canSample else { continue }
                for _ in 0..<options.negatives {
                    var j: Int
                    repeat { j = rng.nextInt(below: itemCount) } while liked.binarySearchContains(j)
                    items.append(Int32(j)); labels.append(0)
                }
            }
            let count = items.count
            if users.count != count { users = [Int32](repeating: 0, count: count) }
            users.withUnsafeBufferPointer { u in items.withUnsafeBufferPointer { i in labels.withUnsafeBufferPointer { y in
                _ = trainer.computeGradients(users: u.baseAddress!, items: i.baseAddress!, labels: y.baseAddress!, count: count)
            } } }
            trainer.applyAdam()
        }
        return FoldedUser(gmf: trainer.weights[0].array, mlp: trainer.weights[2].array)
    }

    /// The logits of `items` for a folded-in user (the same forward pass as `scores(users:items:)`).
    public func scores(folded user: FoldedUser, items: [Int32]) -> [Float] {
        precondition(user.gmf.count == architecture.gmfWidth && user.mlp.count == architecture.mlpWidth)
        let users = [Int32](repeating: 0, count: items.count)
        return user.gmf.withUnsafeBufferPointer { gu in
            user.mlp.withUnsafeBufferPointer { mu in
                scores(users: users, items: items, gmfUserRows: gu.baseAddress, mlpUserRows: mu.baseAddress)
            }
        }
    }

    /// A folded-in user's query vector for the retrieval vectors of `retrievalVectors`: `p ⊙ w_g`, and
    /// for NeuMF the constant 1 that meets each item's tower effect.
    public func retrievalQuery(folded user: FoldedUser) -> [Float] {
        let f = architecture.gmfWidth
        var query = (0..<f).map { user.gmf[$0] * dense[layout.outputOffset + $0] }
        if architecture.kind == .neumf { query.append(1) }
        return query
    }
}

extension Array where Element == Int {
    /// Whether the sorted array holds `value`.
    @inline(__always)
    func binarySearchContains(_ value: Int) -> Bool {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if self[mid] == value { return true }
            if self[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return false
    }
}
