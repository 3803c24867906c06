import Dataset
import LinearAlgebra
import Support

/// Neural Collaborative Filtering (He, Liao, Zhang, Nie, Hu and Chua, "Neural Collaborative Filtering",
/// WWW 2017): GMF, MLP and their fusion NeuMF, trained on implicit feedback with sampled negatives.
///
/// - **GMF** (generalised matrix factorisation): `logit = wᵀ(p_u ⊙ q_i) + b`, with `factors`-wide user
///   and item embeddings `p_u`, `q_i`.
/// - **MLP**: user and item embeddings are concatenated and pass through a ReLU tower. `layers` follows
///   the paper's reference code: `layers[0]` is the width of the *concatenated* input, so each embedding
///   is `layers[0] / 2` wide, and `layers[1...]` are the hidden ReLU layers (default `[64, 32, 16, 8]`:
///   embeddings of 32, then 64→32→16→8). The last width feeds the output layer.
/// - **NeuMF**: both branches (separate embeddings) side by side; their last vectors are concatenated
///   before the single output layer.
///
/// Scores are the output logits (the sigmoid is monotone, so rankings are the same and ties are rarer).
/// All weights are `Float`; matrix products go through `BLAS.sgemm`.
public struct NeuralCF: Recommender {
    /// The variant: `gmf`, `mlp` or `neumf`.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Generalised matrix factorisation.
        case gmf
        /// The multi-layer perceptron over concatenated embeddings.
        case mlp
        /// GMF and MLP side by side under one output layer.
        case neumf
        var hasGMF: Bool { self != .mlp }
        var hasMLP: Bool { self != .gmf }
    }

    /// The shape of a model: variant, widths, and how many users and items it knows.
    public struct Architecture: Codable, Sendable, Equatable {
        /// The variant.
        public var kind: Kind
        /// GMF embedding width (predictive factors of the GMF branch).
        public var factors: Int
        /// MLP tower: `layers[0]` = concatenated embedding width (even), then hidden ReLU widths.
        public var layers: [Int]
        /// Users (rows of the user embeddings).
        public var userCount: Int
        /// Items (rows of the item embeddings).
        public var itemCount: Int

        /// An architecture (checked by ``validate()``, not here); the defaults are the paper's.
        public init(kind: Kind, factors: Int = 8, layers: [Int] = [64, 32, 16, 8], userCount: Int, itemCount: Int) {
            self.kind = kind
            self.factors = factors
            self.layers = layers
            self.userCount = userCount
            self.itemCount = itemCount
        }

        /// Width of one GMF embedding (0 for MLP).
        var gmfWidth: Int { kind.hasGMF ? factors : 0 }
        /// Width of one MLP embedding, `layers[0] / 2` (0 for GMF).
        var mlpWidth: Int { kind.hasMLP ? layers[0] / 2 : 0 }
        /// Width of the MLP tower's last vector (0 for GMF).
        var mlpOutWidth: Int { kind.hasMLP ? layers[layers.count - 1] : 0 }
        /// Number of hidden (weighted, ReLU) MLP layers.
        var hiddenCount: Int { kind.hasMLP ? layers.count - 1 : 0 }

        /// Checks the widths make sense; names the problem otherwise.
        public func validate() throws {
            if kind.hasGMF && factors < 1 { throw NeuralCFError.invalidArchitecture("factors must be ≥ 1, got \(factors)") }
            if kind.hasMLP {
                guard let first = layers.first else { throw NeuralCFError.invalidArchitecture("layers must not be empty") }
                if first < 2 || first % 2 != 0 {
                    throw NeuralCFError.invalidArchitecture("layers[0] is the concatenated embedding width and must be even and ≥ 2, got \(first)")
                }
                if let bad = layers.first(where: { $0 < 1 }) { throw NeuralCFError.invalidArchitecture("layer width \(bad) must be ≥ 1") }
            }
            if userCount < 0 || itemCount < 0 { throw NeuralCFError.invalidArchitecture("negative user or item count") }
            // Sizes come from flags, config and model files: bounded before anything is allocated.
            if kind.hasGMF && factors > Self.maximumWidth {
                throw NeuralCFError.invalidArchitecture("factors must be at most \(Self.maximumWidth), got \(factors)")
            }
            if kind.hasMLP {
                if layers.count > Self.maximumLayers {
                    throw NeuralCFError.invalidArchitecture("at most \(Self.maximumLayers) layers, got \(layers.count)")
                }
                if let bad = layers.first(where: { $0 > Self.maximumWidth }) {
                    throw NeuralCFError.invalidArchitecture("layer width \(bad) is above the limit \(Self.maximumWidth)")
                }
            }
            let width = (kind.hasGMF ? factors : 0) + (kind.hasMLP ? layers[0] / 2 : 0)
            for rows in [userCount, itemCount] where rows.multipliedReportingOverflow(by: width).overflow
                || rows * width > Self.maximumEmbeddingValues {
                throw NeuralCFError.invalidArchitecture("\(rows) rows of \(width) values is above the limit of \(Self.maximumEmbeddingValues) embedding values")
            }
        }

        /// The widest embedding or layer (factors, layers[i]).
        public static let maximumWidth = 4096
        /// The most MLP layers.
        public static let maximumLayers = 16
        /// The most values in one embedding table (users × width or items × width): 2³¹ floats (8 GB).
        public static let maximumEmbeddingValues = 1 << 31
    }

    /// Where each dense (non-embedding) parameter lives in `NeuralCF.dense`.
    struct DenseLayout: Sendable, Equatable {
        /// Offsets of hidden layer `l`'s weights (`layers[l+1]` × `layers[l]`, row-major) and biases.
        var weightOffset: [Int] = []
        var biasOffset: [Int] = []
        /// Output weights: GMF part (`gmfWidth`) followed by MLP part (`mlpOutWidth`), then one bias.
        var outputOffset = 0
        var outputBiasOffset = 0
        var count = 0

        init(_ a: Architecture) {
            var at = 0
            for l in 0..<a.hiddenCount {
                weightOffset.append(at); at += a.layers[l + 1] * a.layers[l]
                biasOffset.append(at); at += a.layers[l + 1]
            }
            outputOffset = at; at += a.gmfWidth + a.mlpOutWidth
            outputBiasOffset = at; at += 1
            count = at
        }
    }

    public var name: String { architecture.kind.rawValue }
    public var userCount: Int { architecture.userCount }
    public var itemCount: Int { architecture.itemCount }

    /// The variant and widths.
    public let architecture: Architecture
    let layout: DenseLayout
    /// GMF user and item embeddings, row-major `userCount` × `factors` and `itemCount` × `factors`.
    public internal(set) var gmfUser: [Float]
    /// GMF item embeddings, row-major `itemCount` × `factors` (empty for MLP).
    public internal(set) var gmfItem: [Float]
    /// MLP user and item embeddings, row-major, `layers[0] / 2` wide.
    public internal(set) var mlpUser: [Float]
    /// MLP item embeddings, row-major `itemCount` × `layers[0] / 2` (empty for GMF).
    public internal(set) var mlpItem: [Float]
    /// Hidden layers' weights and biases, then the output weights and bias (see `DenseLayout`).
    public internal(set) var dense: [Float]

    /// A model with seeded initial weights, as in the paper's reference code: embeddings
    /// N(0, 0.01²), hidden layers Glorot-uniform, the output layer LeCun-uniform (±√(3/fan-in)), biases 0.
    public init(architecture: Architecture, seed: UInt64) throws {
        try architecture.validate()
        self.architecture = architecture
        layout = DenseLayout(architecture)
        var rng = SeededGenerator(seed: seed, stream: 0x4E4346)
        func normal(_ n: Int) -> [Float] {
            var out = [Float](repeating: 0, count: n)
            for i in 0..<n { out[i] = 0.01 * rng.nextGaussian() }
            return out
        }
        gmfUser = normal(architecture.userCount * architecture.gmfWidth)
        gmfItem = normal(architecture.itemCount * architecture.gmfWidth)
        mlpUser = normal(architecture.userCount * architecture.mlpWidth)
        mlpItem = normal(architecture.itemCount * architecture.mlpWidth)
        dense = [Float](repeating: 0, count: layout.count)
        let layers = architecture.layers
        for l in 0..<architecture.hiddenCount {
            let bound = (6.0 / Float(layers[l] + layers[l + 1])).squareRoot()
            for p in 0..<(layers[l] * layers[l + 1]) {
                dense[layout.weightOffset[l] + p] = bound * (2 * rng.nextFloat() - 1)
            }
        }
        let fanIn = architecture.gmfWidth + architecture.mlpOutWidth
        let bound = (3.0 / Float(fanIn)).squareRoot()
        for p in 0..<fanIn { dense[layout.outputOffset + p] = bound * (2 * rng.nextFloat() - 1) }
    }

    /// A model from given weights (used when loading a file); sizes are checked.
    init(architecture: Architecture, gmfUser: [Float], gmfItem: [Float], mlpUser: [Float], mlpItem: [Float], dense: [Float]) throws {
        try architecture.validate()
        let layout = DenseLayout(architecture)
        let expected = [
            ("gmf_user", architecture.userCount * architecture.gmfWidth, gmfUser.count),
            ("gmf_item", architecture.itemCount * architecture.gmfWidth, gmfItem.count),
            ("mlp_user", architecture.userCount * architecture.mlpWidth, mlpUser.count),
            ("mlp_item", architecture.itemCount * architecture.mlpWidth, mlpItem.count),
            ("dense", layout.count, dense.count),
        ]
        for (name, want, got) in expected where want != got {
            throw NeuralCFError.sizeMismatch(section: name, expected: want, found: got)
        }
        self.architecture = architecture
        self.layout = layout
        self.gmfUser = gmfUser
        self.gmfItem = gmfItem
        self.mlpUser = mlpUser
        self.mlpItem = mlpItem
        self.dense = dense
    }

    /// NeuMF initialised from a trained GMF and a trained MLP, as in the paper (§3.4.1): embeddings and
    /// tower copied, output weights `[α·h_GMF, (1−α)·h_MLP]`, output bias `α·b_GMF + (1−α)·b_MLP`.
    /// - Parameters:
    ///   - gmf: a trained GMF model.
    ///   - mlp: a trained MLP over the same users and items.
    ///   - alpha: the trade-off between the two pre-trained models (paper: 0.5).
    /// - Throws: `NeuralCFError.invalidArchitecture` when the two do not fit together.
    public init(pretrainedGMF gmf: NeuralCF, mlp: NeuralCF, alpha: Float = 0.5) throws {
        guard gmf.architecture.kind == .gmf, mlp.architecture.kind == .mlp,
              gmf.userCount == mlp.userCount, gmf.itemCount == mlp.itemCount
        else { throw NeuralCFError.invalidArchitecture("NeuMF pre-training needs a GMF and an MLP over the same users and items") }
        let arch = Architecture(kind: .neumf, factors: gmf.architecture.factors, layers: mlp.architecture.layers,
                                userCount: gmf.userCount, itemCount: gmf.itemCount)
        var dense = [Float](repeating: 0, count: DenseLayout(arch).count)
        let layout = DenseLayout(arch)
        // The tower is laid out first in both, identically.
        let towerCount = mlp.layout.outputOffset
        for p in 0..<towerCount { dense[p] = mlp.dense[p] }
        let f = arch.gmfWidth
        for p in 0..<f { dense[layout.outputOffset + p] = alpha * gmf.dense[gmf.layout.outputOffset + p] }
        for p in 0..<arch.mlpOutWidth { dense[layout.outputOffset + f + p] = (1 - alpha) * mlp.dense[mlp.layout.outputOffset + p] }
        dense[layout.outputBiasOffset] = alpha * gmf.dense[gmf.layout.outputBiasOffset] + (1 - alpha) * mlp.dense[mlp.layout.outputBiasOffset]
        try self.init(architecture: arch, gmfUser: gmf.gmfUser, gmfItem: gmf.gmfItem,
                      mlpUser: mlp.mlpUser, mlpItem: mlp.mlpItem, dense: dense)
    }

    /// Total number of trainable weights.
    public var parameterCount: Int { gmfUser.count + gmfItem.count + mlpUser.count + mlpItem.count + dense.count }
}

/// What can go wrong building, training, reading or writing an NCF model.
public enum NeuralCFError: Error, CustomStringConvertible, Equatable {
    /// A width, layer list or size out of range, in words.
    case invalidArchitecture(String)
    /// A training or fold-in setting out of range, in words.
    case invalidSetting(String)
    /// A weight array of the wrong length for the architecture.
    case sizeMismatch(section: String, expected: Int, found: Int)
    /// A model file that cannot be read as an NCF model.
    case badFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidArchitecture(let why): return "invalid NCF architecture: \(why)"
        case .invalidSetting(let why): return "invalid NCF training setting: \(why)"
        case let .sizeMismatch(section, expected, found):
            return "NCF weights '\(section)': expected \(expected) values, found \(found)"
        case let .badFile(path, reason): return "NCF model file \(path): \(reason)"
        }
    }
}
