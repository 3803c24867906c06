import Dataset
import Foundation
import Logging
import Models
import Retrieval
import Support
import VectorSearch

/// A dataset with its artefacts and settings: everything a front end (the `marquee` CLI, the HTTP
/// server, the simulator, a Swift program) needs to recommend, find similar movies and evaluate.
///
/// ```swift
/// let workspace = try Workspace.open(data: URL(fileURLWithPath: "Data/ml-latest-small"))
/// let forUser = try workspace.recommend(user: 42, k: 10)                 // dataset user id 42
/// let forNewcomer = try workspace.recommend(likes: [.title("Toy Story"), .title("Heat (1995)")], k: 10)
/// let alike = try workspace.similar(movie: .title("Toy Story (1995)"), k: 10)
/// let report = try workspace.evaluate(EvaluationRequest(models: [.popularity, .als]))
/// ```
///
/// Models and indexes are read from `<models-dir>/<dataset>/` and trained or built there when missing or
/// stale (see `ArtifactStore`); each is loaded once and kept. A workspace is safe to use from many
/// threads at once: the dataset and loaded artefacts are immutable, and loading is serialised.
public final class Workspace: @unchecked Sendable {   // mutable caches are guarded by `lock`
    /// The settings (the file over the defaults, flags applied), checked.
    public let config: MarqueeConfig
    /// The dataset folder.
    public let dataDirectory: URL
    /// The dataset folder's name, which names its artefact folder.
    public let datasetName: String
    /// Ratings and catalogue.
    public let dataset: MovieLensDataset
    /// Where the artefacts are.
    public let store: ArtifactStore
    /// Where the workspace says what it loads, trains and builds.
    public let logger: Logger
    /// The catalogue's titles, folded once for lookups.
    public let titles: TitleIndex

    private let lock = NSRecursiveLock()
    private var fingerprintValue: UInt64?
    private var models: [ModelKind: LoadedModel] = [:]
    private var indexes: [IndexKey: HNSWIndex] = [:]
    private var pipelines: [PipelineKey: RecommendationPipeline] = [:]

    private struct IndexKey: Hashable { var kind: ModelKind; var metric: Metric }
    private struct PipelineKey: Hashable { var kind: ModelKind; var exact: Bool }

    /// The interactions of the whole dataset.
    public var interactions: Interactions { dataset.interactions }
    /// The movies of the dataset.
    public var catalog: Catalog { dataset.catalog }

    /// Opens the dataset at `data` (default: `config.data.path`) through its binary cache, with its
    /// artefacts under `modelsDirectory` (default: `config.paths.models_dir`).
    /// - Throws: `ConfigError` for settings out of range, `DatasetError` for unreadable data.
    public static func open(data: URL? = nil, config: MarqueeConfig = MarqueeConfig(), modelsDirectory: URL? = nil,
                            logger: Logger = Logger(label: "marquee")) throws -> Workspace {
        try config.validate()
        let dataDirectory = (data ?? URL(fileURLWithPath: config.data.path)).standardizedFileURL
        let name = dataDirectory.lastPathComponent
        let store = ArtifactStore(modelsDirectory: modelsDirectory ?? URL(fileURLWithPath: config.paths.modelsDir),
                                  datasetName: name, config: config, logger: logger)
        let options = LoadOptions(threshold: config.data.threshold, skipBadLines: config.data.skipBadLines,
                                  cacheDirectory: config.data.useCache ? store.directory : nil)
        let dataset = try MovieLensDataset.load(from: dataDirectory, options: options, progress: ProgressReporter("reading \(name)", total: 0))
        for warning in dataset.report.warnings { logger.warning("\(dataDirectory.path): \(warning)") }
        return Workspace(config: config, dataDirectory: dataDirectory, dataset: dataset, store: store, logger: logger)
    }

    /// A workspace over data already in memory (tests, programs that build their own `Interactions`).
    public init(config: MarqueeConfig, dataDirectory: URL, dataset: MovieLensDataset, store: ArtifactStore, logger: Logger) {
        self.config = config
        self.dataDirectory = dataDirectory
        datasetName = dataDirectory.lastPathComponent
        self.dataset = dataset
        self.store = store
        self.logger = logger
        titles = TitleIndex(dataset.catalog)
    }

    /// `Interactions.fingerprint` of the dataset (computed once).
    public var fingerprint: UInt64 {
        lock.lock(); defer { lock.unlock() }
        if let fingerprintValue { return fingerprintValue }
        let value = interactions.fingerprint
        fingerprintValue = value
        return value
    }

    /// The dataset as artefacts record it in their provenance.
    public var datasetStamp: Provenance.DatasetStamp {
        Provenance.DatasetStamp(name: datasetName, fingerprint: hexChecksum(fingerprint), threshold: interactions.threshold,
                                users: interactions.userCount, items: interactions.itemCount, positives: dataset.report.positives)
    }

    // MARK: Artefacts

    /// The model of `kind`, loaded from the store, or trained and saved there when missing or stale.
    /// - Throws: training and file errors.
    public func model(_ kind: ModelKind) throws -> LoadedModel {
        let stamp = datasetStamp
        let fingerprint = fingerprint
        return try cached(&models, kind) { try store.model(kind, for: interactions, stamp: stamp, fingerprint: fingerprint) }
    }

    /// The HNSW index over the item vectors of `kind` under `metric`, from the store or built there.
    /// - Throws: `WorkspaceError.noVectors` for a kind without vectors; build and file errors.
    public func index(_ kind: ModelKind, metric: Metric) throws -> HNSWIndex {
        try requireVectors(kind, for: "be searched by vectors")
        let model = try model(kind)
        return try cached(&indexes, IndexKey(kind: kind, metric: metric)) { try store.index(for: model, metric: metric) }
    }

    /// The two-stage pipeline of `kind` over the whole dataset: HNSW candidates (or the exact scan) →
    /// the kind's re-ranker → popularity fill.
    /// - Throws: `WorkspaceError.unsupported` for a kind without vectors, and what loading throws.
    public func pipeline(_ kind: ModelKind, exact: Bool = false) throws -> RecommendationPipeline {
        try requireVectors(kind, for: "retrieve candidates")
        let options = try retrievalOptions(for: kind)
        let model = try model(kind)
        let index = exact ? nil : try index(kind, metric: .innerProduct)
        return try cached(&pipelines, PipelineKey(kind: kind, exact: exact)) {
            guard let vectors = try model.retrievalModel() else { throw WorkspaceError.noVectors(model: kind.rawValue) }
            let retriever: any CandidateRetriever = index.map { HNSWRetriever(index: $0, ef: options.ef, itemIds: interactions.items) }
                ?? ExactRetriever(itemVectors: vectors.itemVectors, dimension: vectors.factors)
            return try RecommendationPipeline(model: vectors, retriever: retriever, training: interactions, options: options)
        }
    }

    /// Loads (or trains and builds) everything the given kinds serve with, so that later calls answer
    /// at once: each model, its inner-product and cosine indexes and its pipelines.
    /// - Throws: what loading, training and building throw.
    public func prepare(_ kinds: [ModelKind]) throws {
        for kind in kinds {
            _ = try model(kind)
            guard kind.capabilities.hasVectors else { continue }
            _ = try pipeline(kind)
            _ = try pipeline(kind, exact: true)
            _ = try index(kind, metric: .cosine)
        }
    }

    /// The `retrieval:` settings as pipeline options for `kind`: `dot` means the kind's own re-ranker
    /// (NeuMF re-ranks with itself), and a re-ranker the kind cannot use is refused.
    /// - Throws: `WorkspaceError.unsupported`.
    public func retrievalOptions(for kind: ModelKind) throws -> RetrievalOptions {
        let r = config.retrieval
        let scorer = r.scorer == .dot ? kind.capabilities.defaultReranker : r.scorer
        if scorer == .neumf && kind != .neumf {
            throw WorkspaceError.unsupported(model: kind.rawValue, needs: "re-rank with the NeuMF network", use: ["--model neumf", "--scorer dot", "--scorer blend"])
        }
        return RetrievalOptions(candidates: r.candidates, ef: r.ef, scorer: scorer, popularityWeight: r.popularityWeight,
                                minInteractions: r.minInteractions, explain: r.explain)
    }

    func requireVectors(_ kind: ModelKind, for purpose: String) throws {
        guard kind.capabilities.hasVectors else {
            throw WorkspaceError.unsupported(model: kind.rawValue, needs: purpose, use: ModelKind.withVectors.map(\.rawValue))
        }
    }

    /// The value cached under `key`, or `make()`'s, cached. Loading is serialised: one artefact at a time.
    private func cached<Key: Hashable, Value>(_ cache: inout [Key: Value], _ key: Key, _ make: () throws -> Value) rethrows -> Value {
        lock.lock(); defer { lock.unlock() }
        if let value = cache[key] { return value }
        let value = try make()
        cache[key] = value
        return value
    }
}
