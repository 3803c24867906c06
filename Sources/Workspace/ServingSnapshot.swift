import Foundation
import Logging
import Support
import VectorSearch

/// What a long-running front end (the HTTP server) serves from: a workspace opened and every model it
/// serves loaded — or trained and built when missing — with its indexes and pipelines, so that no
/// request ever waits for a file. Immutable once made; a reload makes a new one and swaps it in whole.
public final class ServingSnapshot: Sendable {
    /// The dataset, the settings and the loaded artefacts.
    public let workspace: Workspace
    /// The models prepared for serving (`server.models`), in the configuration's order.
    public let models: [ModelKind]
    /// 1 for the snapshot loaded at start, then one more per reload.
    public let generation: Int
    /// When loading finished.
    public let loadedAt: Date
    /// How long opening and preparing took, seconds.
    public let loadSeconds: Double

    /// An identifier for logs and headers: `<generation>-<loaded at, seconds since 1970>`.
    public var id: String { "\(generation)-\(Int(loadedAt.timeIntervalSince1970))" }

    public init(workspace: Workspace, models: [ModelKind], generation: Int, loadedAt: Date, loadSeconds: Double) {
        self.workspace = workspace
        self.models = models
        self.generation = generation
        self.loadedAt = loadedAt
        self.loadSeconds = loadSeconds
    }

    /// Opens the dataset at `data` and prepares `models` (default: `config.server.models`): each model,
    /// its inner-product and cosine indexes and its pipelines, trained or built when missing or stale.
    /// - Throws: `ConfigError`, `DatasetError`, `WorkspaceError` and training or file errors.
    public static func load(data: URL? = nil, config: MarqueeConfig, modelsDirectory: URL? = nil, models: [ModelKind]? = nil,
                            generation: Int, logger: Logger) throws -> ServingSnapshot {
        let start = DispatchTime.now().uptimeNanoseconds
        let workspace = try Workspace.open(data: data, config: config, modelsDirectory: modelsDirectory, logger: logger)
        let kinds = models ?? config.server.models
        for kind in kinds { try workspace.requireVectors(kind, for: "be served (server.models lists models with vectors)") }
        try workspace.prepare(kinds)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return ServingSnapshot(workspace: workspace, models: kinds, generation: generation, loadedAt: Date(), loadSeconds: seconds)
    }

    /// Whether `kind` was prepared for serving.
    public func serves(_ kind: ModelKind) -> Bool { models.contains(kind) }
}

/// A loaded model as `GET /api/v1/models` describes it.
public struct ModelInfo: Codable, Sendable, Equatable {
    /// One of the model's indexes.
    public struct IndexInfo: Codable, Sendable, Equatable {
        public var metric: String
        public var file: String
        public var vectors: Int
        public var dimension: Int
        public var provenance: Provenance?
    }
    public var name: String
    public var summary: String
    public var file: String
    public var hasVectors: Bool
    public var foldsIn: Bool
    public var users: Int
    public var items: Int
    /// The training settings recorded in the file (empty for files without provenance).
    public var settings: [String: String]
    public var provenance: Provenance?
    public var indexes: [IndexInfo]

    enum CodingKeys: String, CodingKey {
        case name, summary, file, hasVectors = "has_vectors", foldsIn = "folds_in", users, items, settings, provenance, indexes
    }
}

extension Workspace {
    /// What the loaded model of `kind` is: file, settings, provenance, its indexes.
    /// - Throws: what loading (or training and building, when missing) throws.
    public func modelInfo(_ kind: ModelKind) throws -> ModelInfo {
        let model = try model(kind)
        var indexes: [ModelInfo.IndexInfo] = []
        if kind.capabilities.hasVectors {
            for metric in [Metric.innerProduct, .cosine] {
                let index = try index(kind, metric: metric)
                indexes.append(.init(metric: metric.rawValue, file: store.indexURL(kind, metric: metric).path, vectors: index.totalCount,
                                     dimension: index.dimension, provenance: index.provenance))
            }
        }
        return ModelInfo(name: kind.rawValue, summary: kind.summary, file: store.modelURL(kind).path, hasVectors: kind.capabilities.hasVectors,
                         foldsIn: kind.capabilities.foldsIn, users: model.users.count, items: model.items.count,
                         settings: model.provenance?.settings ?? [:], provenance: model.provenance, indexes: indexes)
    }
}
