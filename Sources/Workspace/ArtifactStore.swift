import Dataset
import Foundation
import LinearAlgebra
import Logging
import Models
import Retrieval
import Support
import VectorSearch

/// The artefacts of one dataset under `<models-dir>/<dataset>/`: finds each one, and trains or builds
/// what is missing or stale, saying what it does through the logger.
///
/// - A model is current when its provenance names this dataset's fingerprint and threshold (files
///   without provenance: when its user and movie ids are the dataset's). Otherwise it is trained with
///   the configuration and saved.
/// - An index is current when it records the checksum of the model file it was built from and that
///   checksum is the model file's now, and its metric, dimension and size fit. A replaced model file
///   (whatever its modification time) gets a new index.
public struct ArtifactStore: Sendable {
    /// `<models-dir>/<dataset folder name>/`.
    public let directory: URL
    /// Settings for what is trained or built.
    public let config: MarqueeConfig
    /// Where the store says what it finds, trains and builds.
    public let logger: Logger

    /// - Parameters:
    ///   - modelsDirectory: the root (`Indexes/`); the store is its subfolder named after the dataset.
    ///   - datasetName: the dataset folder's name (`ml-latest-small`).
    public init(modelsDirectory: URL, datasetName: String, config: MarqueeConfig, logger: Logger) {
        directory = modelsDirectory.appendingPathComponent(datasetName)
        self.config = config
        self.logger = logger
    }

    /// Where the model of `kind` lives: `als.model`.
    public func modelURL(_ kind: ModelKind) -> URL { directory.appendingPathComponent(kind.fileName) }

    /// Where the index over the item vectors of `kind` under `metric` lives: `als-ip.hnsw`, `als-cosine.hnsw`.
    public func indexURL(_ kind: ModelKind, metric: Metric) -> URL {
        directory.appendingPathComponent("\(kind.rawValue)-\(metric.rawValue).hnsw")
    }

    /// The model of `kind` for `data`: the saved one when it is current, else trained and saved.
    /// - Throws: training and file errors.
    public func model(_ kind: ModelKind, for data: Interactions, stamp: Provenance.DatasetStamp, fingerprint: UInt64) throws -> LoadedModel {
        let url = modelURL(kind)
        if FileManager.default.fileExists(atPath: url.path) {
            do {
                let loaded = try LoadedModel.load(from: url)
                if loaded.kind == kind && loaded.fits(data, fingerprint: fingerprint) { return loaded }
                logger.notice("\(url.path) was trained on other data (or is another model); retraining")
            } catch {
                logger.warning("\(url.path) cannot be read (\(error)); retraining")
            }
        } else {
            logger.notice("no \(kind) model at \(url.path); training one with the config's settings (marquee train --model \(kind))")
        }
        var trained = try kind.train(TrainingRequest(data: data, config: config, validation: true, logger: logger))
        trained.model.provenance = Provenance(dataset: stamp, settings: config.settings(for: kind))
        try trained.model.save(to: url)
        logger.notice("trained \(kind) in \(String(format: "%.1f", trained.seconds)) s → \(url.path)")
        return trained.model
    }

    /// The HNSW index over `model`'s item vectors under `metric` (ids = the dataset's movie ids): the saved
    /// one when it was built from this very model file with fitting settings, else built and saved.
    ///
    /// - Precondition: `model` has vectors and has been saved or loaded (it has a file checksum).
    /// - Throws: `WorkspaceError.noVectors`, build and file errors.
    public func index(for model: LoadedModel, metric: Metric) throws -> HNSWIndex {
        let url = indexURL(model.kind, metric: metric)
        if FileManager.default.fileExists(atPath: url.path) {
            do {
                let index = try HNSWIndex.load(from: url)
                if try Self.fits(index, model: model, metric: metric) { return index }
                logger.notice("\(url.path) was built from another \(model.kind) model or with other settings; rebuilding")
            } catch {
                logger.warning("\(url.path) cannot be read (\(error)); rebuilding")
            }
        } else {
            logger.notice("no \(metric.rawValue) index at \(url.path); building one (marquee build-index --model \(modelURL(model.kind).path) --metric \(metric.rawValue))")
        }
        let h = config.hnsw
        // The graph strategy for inner product: on ALS item vectors (norms 0 to ~1.3) the L2 reduction kept
        // recall@10 near 0.1–0.5 where the graph built on 1 − x·y reaches 0.98 at ef 40 (BENCHMARKS.md).
        let parameters = HNSWIndex.Parameters(m: h.m, efConstruction: h.efConstruction, mipsStrategy: .graph)
        let start = Date()
        let index = try Self.buildIndex(for: model, metric: metric, parameters: parameters, to: url)
        logger.notice("built the \(model.kind) \(metric.rawValue) index over \(model.items.count) items in \(String(format: "%.1f", Date().timeIntervalSince(start))) s → \(url.path)")
        return index
    }

    /// Builds the index over `model`'s item vectors under `metric` and saves it to `url`, recording the
    /// model file's checksum as its source (what `build-index --model` and the store both do).
    ///
    /// Inner-product indexes hold the two-stage pipeline's retrieval vectors; cosine and L2 indexes the
    /// model's own item vectors (ALS factors, GMF item embeddings: what `similar` compares and `export`
    /// writes).
    /// - Throws: `WorkspaceError.noVectors`, build and file errors.
    public static func buildIndex(for model: LoadedModel, metric: Metric, parameters: HNSWIndex.Parameters,
                                  threads: Int = Threads.count, to url: URL) throws -> HNSWIndex {
        let (values, dimension) = try indexVectors(of: model, metric: metric)
        let index = try HNSWIndex.build(
            vectors: Matrix(rows: model.items.count, columns: dimension, values: values),
            ids: model.items.externalIds.map { Int($0) }, idSource: .dataset, metric: metric, parameters: parameters, threads: threads,
            progress: ProgressReporter("building the \(model.kind) \(metric.rawValue) index", total: model.items.count))
        index.provenance = Provenance(dataset: model.provenance?.dataset,
                                      settings: ["m": "\(parameters.m)", "ef_construction": "\(parameters.efConstruction)",
                                                 "metric": metric.rawValue, "mips_strategy": parameters.mipsStrategy.rawValue,
                                                 "seed": "\(parameters.seed)"],
                                      source: source(of: model))
        try index.save(to: url)
        return index
    }

    /// Whether `index` was built from this very model file, under `metric`, over all its items.
    public static func fits(_ index: HNSWIndex, model: LoadedModel, metric: Metric) throws -> Bool {
        let dimension = try indexVectors(of: model, metric: metric).dimension
        return index.provenance?.source == source(of: model) && index.metric == metric && index.dimension == dimension
            && index.totalCount + index.refusedZeroVectors.count == model.items.count
    }

    private static func source(of model: LoadedModel) -> Provenance.Source {
        Provenance.Source(file: model.kind.fileName, kind: model.kind.artifactKind, checksum: hexChecksum(model.fileChecksum ?? 0))
    }

    /// The vectors an index of `model` under `metric` holds.
    private static func indexVectors(of model: LoadedModel, metric: Metric) throws -> (values: [Float], dimension: Int) {
        guard let vectors = try model.retrievalModel() else { throw WorkspaceError.noVectors(model: model.kind.rawValue) }
        if metric == .innerProduct { return (vectors.itemVectors, vectors.factors) }
        if let ncf = model.neuralCF { return (ncf.gmfItem, ncf.architecture.factors) }
        return (vectors.itemVectors, vectors.factors)
    }
}
extension MarqueeConfig {
    /// The settings a model of `kind` is trained with, for its provenance.
    public func settings(for kind: ModelKind) -> [String: String] {
        switch kind {
        case .popularity: return ["threshold": "\(data.threshold)"]
        case .als:
            return ["factors": "\(als.factors)", "regularization": "\(als.regularization)", "alpha": "\(als.alpha)",
                    "iterations": "\(als.iterations)", "solver": als.solver.rawValue, "cg_steps": "\(als.cgSteps)",
                    "confidence": als.confidence.rawValue, "seed": "\(als.seed)"]
        case .gmf, .mlp, .neumf:
            return ["factors": "\(ncf.factors)", "layers": ncf.layers.map(String.init).joined(separator: ","),
                    "epochs": "\(ncf.epochs)", "batch_size": "\(ncf.batchSize)", "learning_rate": "\(ncf.learningRate)",
                    "negatives": "\(ncf.negatives)", "regularization": "\(ncf.regularization)", "seed": "\(ncf.seed)",
                    "validation": "\(ncf.validation)"]
        }
    }
}
