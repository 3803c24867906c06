import Dataset
import Foundation
import Models
import Retrieval
import Support

/// A model of any kind together with the dataset ids of its rows and where it came from.
public struct LoadedModel: Sendable {
    /// Which kind of model.
    public let kind: ModelKind
    /// The model itself: scores for every item.
    public let recommender: any Recommender
    /// The dataset's user ids of the model's dense users.
    public let users: IdMap
    /// The dataset's movie ids of the model's dense items.
    public let items: IdMap
    /// Data, settings and version it was made with (nil for files that predate provenance).
    public var provenance: Provenance?
    /// `ArtifactReader.contentChecksum` of its file, once saved or loaded.
    public internal(set) var fileChecksum: UInt64?
    /// NCF: how it was trained (stored with the file).
    var trainingInfo: NeuralCF.TrainingInfo?

    init(kind: ModelKind, recommender: any Recommender, users: IdMap, items: IdMap, provenance: Provenance? = nil) {
        self.kind = kind
        self.recommender = recommender
        self.users = users
        self.items = items
        self.provenance = provenance
    }

    /// The ALS model, for an ALS kind.
    public var als: ALS? { recommender as? ALS }
    /// The NCF model, for GMF, MLP and NeuMF.
    public var neuralCF: NeuralCF? { recommender as? NeuralCF }

    /// The vectors the two-stage pipeline searches with, or nil for a kind without (popularity, MLP).
    /// - Throws: `RetrievalError` when the vectors cannot be formed.
    public func retrievalModel() throws -> RetrievalModel? {
        guard kind.capabilities.hasVectors else { return nil }
        if let als { return RetrievalModel(als: als) }
        if let neuralCF { return try RetrievalModel(neuralCF: neuralCF) }
        return nil
    }

    /// Writes the model to `url` atomically, with its provenance, and records the file's checksum.
    /// - Throws: `ArtifactError.writeFailed` and the model's own file errors.
    public mutating func save(to url: URL) throws {
        switch recommender {
        case var model as ALS:
            model.provenance = provenance
            try model.save(to: url)
        case let model as NeuralCF:
            try model.save(to: url, users: users, items: items, training: trainingInfo, provenance: provenance)
        case var model as Popularity:
            model.provenance = provenance
            try model.save(to: url, items: items)
        default:
            throw WorkspaceError.notSaveable(model: kind.rawValue)
        }
        fileChecksum = try ArtifactReader(url: url, verifyChecksums: false).contentChecksum
    }

    /// Reads any model file Marquee writes (ALS, NCF, popularity), whatever its kind.
    /// - Throws: `ArtifactError` (missing, damaged, not a model) and the model's own file errors.
    public static func load(from url: URL) throws -> LoadedModel {
        let header = try ArtifactReader(url: url, verifyChecksums: false)
        var loaded: LoadedModel
        switch header.kind {
        case ALS.artifactKind:
            let als = try ALS.load(from: url)
            loaded = LoadedModel(kind: .als, recommender: als, users: IdMap(sortedUnique: als.userIds),
                                 items: IdMap(sortedUnique: als.itemIds), provenance: als.provenance)
        case NeuralCF.artifactKind:
            let file = try NeuralCF.load(from: url)
            loaded = LoadedModel(kind: ModelKind(rawValue: file.model.architecture.kind.rawValue)!, recommender: file.model,
                                 users: file.users, items: file.items, provenance: file.metadata.provenance)
            loaded.trainingInfo = file.metadata.training
        case Popularity.artifactKind:
            let file = try Popularity.load(from: url)
            loaded = LoadedModel(kind: .popularity, recommender: file.model, users: IdMap(sortedUnique: []), items: file.items,
                                 provenance: file.model.provenance)
        default:
            throw WorkspaceError.notAModel(path: url.path, kind: header.kind)
        }
        loaded.fileChecksum = header.contentChecksum
        return loaded
    }

    /// Whether the model was made from exactly `data`: its provenance names the same fingerprint and
    /// threshold, or (files without provenance) its user and item ids are the data's.
    public func fits(_ data: Interactions, fingerprint: UInt64) -> Bool {
        guard items == data.items, kind == .popularity || users == data.users else { return false }
        guard let stamp = provenance?.dataset else { return true }
        return stamp.fingerprint == hexChecksum(fingerprint) && stamp.threshold == data.threshold
    }
}
