import Dataset
import Foundation
import Support

extension NeuralCF {
    /// The artefact kind of NCF model files.
    public static let artifactKind = "ncf"

    /// The `meta` section of a model file: the architecture and how it was trained.
    public struct FileMetadata: Codable, Sendable, Equatable {
        /// `gmf`, `mlp` or `neumf`.
        public var model: String
        /// The variant, widths and counts.
        public var architecture: Architecture
        /// `item_factors` · `user_factors` + `output_bias` = the GMF part of the logit (absent for MLP).
        public var hasFactors: Bool
        /// How it was trained (nil for weights written without training).
        public var training: TrainingInfo?
        /// Where the model came from, when the writer recorded it (absent in older files).
        public var provenance: Provenance?

        enum CodingKeys: String, CodingKey {
            case model, architecture, hasFactors = "has_factors", training, provenance
        }
    }

    /// Training settings and outcome stored with a model.
    public struct TrainingInfo: Codable, Sendable, Equatable {
        /// Epochs run.
        public var epochs: Int
        /// The epoch whose weights were kept (1-based).
        public var bestEpoch: Int
        /// Samples per Adam step.
        public var batchSize: Int
        /// Adam's step size.
        public var learningRate: Float
        /// Negatives per positive.
        public var negatives: Int
        /// L2 strength λ.
        public var regularization: Float
        /// The training seed.
        public var seed: UInt64
        /// The last epoch's mean cross-entropy.
        public var finalLoss: Double?
        /// The best validation score, when validation ran.
        public var bestValidation: Double?

        /// The record of a training run.
        public init(options: TrainingOptions, report: TrainingReport) {
            epochs = report.epochs.count
            bestEpoch = report.bestEpoch
            batchSize = options.batchSize
            learningRate = options.learningRate
            negatives = options.negatives
            regularization = options.regularization
            seed = options.seed
            finalLoss = report.epochs.last?.loss
            bestValidation = report.bestValidation
        }

        enum CodingKeys: String, CodingKey {
            case epochs, bestEpoch = "best_epoch", batchSize = "batch_size", learningRate = "learning_rate"
            case negatives, regularization, seed, finalLoss = "final_loss", bestValidation = "best_validation"
        }
    }

    /// Writes the model atomically as one artefact of kind `ncf`.
    ///
    /// Sections: `gmf_user`, `gmf_item`, `mlp_user`, `mlp_item`, `dense` (the weights), `user_ids` and
    /// `item_ids` (Int32, the dataset's own ids of the dense rows), and for GMF and NeuMF the retrieval
    /// view of the GMF branch: `item_factors` = `q_i` and `user_factors` = `p_u ⊙ w_g`, so that their inner
    /// product is the GMF part of the logit (the HNSW index retrieves candidates with it; NeuMF re-ranks).
    /// - Throws: I/O errors; nothing is left behind on failure.
    public func save(to url: URL, users: IdMap, items: IdMap, training: TrainingInfo? = nil, provenance: Provenance? = nil) throws {
        guard users.count == userCount, items.count == itemCount else {
            throw NeuralCFError.badFile(path: url.path, reason: "id maps (\(users.count) users, \(items.count) items) do not match the model (\(userCount), \(itemCount))")
        }
        var writer = ArtifactWriter(kind: Self.artifactKind)
        let hasFactors = architecture.kind.hasGMF
        try writer.addMetadata(FileMetadata(model: name, architecture: architecture, hasFactors: hasFactors, training: training,
                                              provenance: provenance))
        writer.add("user_ids", users.externalIds)
        writer.add("item_ids", items.externalIds)
        writer.add("gmf_user", gmfUser)
        writer.add("gmf_item", gmfItem)
        writer.add("mlp_user", mlpUser)
        writer.add("mlp_item", mlpItem)
        writer.add("dense", dense)
        if hasFactors {
            writer.add("item_factors", gmfItem)
            writer.add("user_factors", retrievalUserFactors())
        }
        try writer.write(to: url)
    }

    /// `p_u ⊙ w_g` for every user (row-major `userCount` × `factors`).
    public func retrievalUserFactors() -> [Float] {
        let f = architecture.gmfWidth
        var out = gmfUser
        for u in 0..<userCount {
            for k in 0..<f { out[u * f + k] *= dense[layout.outputOffset + k] }
        }
        return out
    }

    /// Reads a model written by `save`.
    /// - Returns: the model, its user and item id maps, and the file's metadata.
    /// - Throws: `ArtifactError` (magic, version, checksum, sections) or `NeuralCFError` naming the file.
    public static func load(from url: URL) throws -> (model: NeuralCF, users: IdMap, items: IdMap, metadata: FileMetadata) {
        let reader = try ArtifactReader(url: url, expectedKind: artifactKind)
        let meta = try reader.metadata(FileMetadata.self)
        let userIds = try reader.array("user_ids", as: Int32.self)
        let itemIds = try reader.array("item_ids", as: Int32.self)
        guard userIds.count == meta.architecture.userCount, itemIds.count == meta.architecture.itemCount else {
            throw NeuralCFError.badFile(path: url.path, reason: "id sections do not match the architecture's user/item counts")
        }
        for ids in [userIds, itemIds] where zip(ids, ids.dropFirst()).contains(where: { $0 >= $1 }) {
            throw NeuralCFError.badFile(path: url.path, reason: "id sections must be ascending and unique")
        }
        let model: NeuralCF
        do {
            model = try NeuralCF(
                architecture: meta.architecture,
                gmfUser: reader.array("gmf_user"), gmfItem: reader.array("gmf_item"),
                mlpUser: reader.array("mlp_user"), mlpItem: reader.array("mlp_item"), dense: reader.array("dense"))
        } catch let error as NeuralCFError {
            throw NeuralCFError.badFile(path: url.path, reason: error.description)
        }
        return (model, IdMap(sortedUnique: userIds), IdMap(sortedUnique: itemIds), meta)
    }
}
