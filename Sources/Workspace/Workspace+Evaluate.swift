import Dataset
import Evaluation
import Foundation
import LinearAlgebra
import Logging
import Models
import Retrieval
import Support
import VectorSearch

/// What to evaluate: the `evaluation:` settings (split, K, protocol, models, …) and, optionally, the ANN
/// loss of the two-stage pipeline.
public struct EvaluationRequest: Sendable {
    /// Split, K, protocol, models, negatives, seed and batch size.
    public var settings: MarqueeConfig.EvaluationSection
    /// Also serve the test users through the two-stage pipeline (nil: don't).
    public var retrieval: RetrievalCheck?

    /// Also compute NDCG@K and Recall@K for every K = 1…`curveMaxK` (full protocol only; nil: don't).
    public var curveMaxK: Int? = nil

    /// The two-stage pipeline's part of an evaluation.
    public struct RetrievalCheck: Sendable {
        /// Exact candidates only, or exact against HNSW at each of `efValues`.
        public var hnsw: Bool
        /// HNSW search widths (default: config `retrieval.ef`).
        public var efValues: [Int]?
        /// Candidate counts N to compare (default: config `retrieval.candidates`).
        public var candidateCounts: [Int]?
        /// Serve at most this many test users (evenly spaced; nil: all).
        public var maxUsers: Int?
        /// Also serve each test user as a stranger who names their training likes.
        public var foldIn: Bool

        public init(hnsw: Bool, efValues: [Int]? = nil, candidateCounts: [Int]? = nil, maxUsers: Int? = nil, foldIn: Bool = false) {
            self.hnsw = hnsw
            self.efValues = efValues
            self.candidateCounts = candidateCounts
            self.maxUsers = maxUsers
            self.foldIn = foldIn
        }
    }

    /// - Parameters:
    ///   - settings: default: the defaults of `evaluation:`.
    ///   - models: overrides `settings.models`.
    public init(settings: MarqueeConfig.EvaluationSection = .init(), models: [ModelKind]? = nil, retrieval: RetrievalCheck? = nil) {
        self.settings = settings
        if let models { self.settings.models = models }
        self.retrieval = retrieval
    }
}

extension Workspace {
    /// Splits the dataset as `request` says, trains every model on the train part (with its config
    /// settings and the evaluation seed) and ranks movies for every test user.
    /// - Throws: `EvaluationError` (no test user, too many negatives), training errors.
    public func evaluate(_ request: EvaluationRequest) throws -> EvaluationReport {
        let s = request.settings
        let data = interactions
        let partition: Split
        switch s.protocol == .looSampled ? .leaveLast : s.split {
        case .random: partition = try Split.random(data, testFraction: s.testFraction, seed: s.seed)
        case .leaveLast: partition = try Split.leaveLast(data, count: s.protocol == .looSampled ? 1 : s.leaveLast)
        case .time: partition = try Split.time(data, quantile: s.timeCut)
        }
        let counts = DatasetCounts(users: data.userCount, items: data.itemCount, positives: data.positiveCount)
        let report = try Self.evaluate(partition, counts: counts, dataName: datasetName, request: request, config: config,
                                       genres: ItemGenres(catalog: catalog, items: data.items), logger: logger)
        // The latest evaluation, for the server's /api/v1/models and `marquee report` (`SavedReport`).
        // A report that cannot be saved is still returned: the figures are what the caller asked for.
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try store.saveReport(encoder.encode(report), as: .evaluation)
        } catch {
            logger.warning("could not save the evaluation report under \(store.reportsDirectory.path): \(error)")
        }
        return report
    }

    /// Evaluates on a split the caller made (e.g. `Split.supplied` from two ratings files).
    /// - Parameter genres: the movies' genres, for intra-list diversity (nil: no diversity figure).
    /// - Throws: `EvaluationError`, training errors.
    public static func evaluate(_ partition: Split, counts: DatasetCounts, dataName: String, request: EvaluationRequest,
                                config: MarqueeConfig, genres: ItemGenres? = nil, logger: Logger) throws -> EvaluationReport {
        let s = request.settings
        let loo = s.protocol == .looSampled
        guard partition.testUserCount > 0 else { throw EvaluationError.noTestUser(split: partition.kind.name) }
        logger.info("split \(partition.kind): \(partition.train.ratingCount) train ratings, \(partition.test.ratingCount) test positives of \(partition.testUserCount) users")

        var results: [String: ModelResult] = [:]
        var retrievalRows: [RetrievalLossRow] = []
        var foldIns: [FoldInEvaluation.Result] = []
        var curves: [String: MetricCurves] = [:]
        for kind in s.models {
            logger.info("training \(kind)")
            let trained = try kind.train(TrainingRequest(data: partition.train, config: config, seed: s.seed, logger: logger))
            let model = trained.model.recommender
            guard model.itemCount == partition.train.itemCount else {
                throw EvaluationError.modelShape(name: kind.rawValue, items: model.itemCount, expected: partition.train.itemCount)
            }
            logger.info("evaluating \(kind)")
            let start = DispatchTime.now().uptimeNanoseconds
            func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
            if loo {
                let metrics = SampledRankingProtocol(negatives: s.negatives, k: s.k, seed: s.seed, batchSize: s.batchSize)
                    .evaluate(model, split: partition, progress: ProgressReporter("evaluating \(kind)", total: 0))
                for warning in metrics.warnings { logger.warning("\(kind): \(warning)") }
                results[kind.rawValue] = .sampled(metrics, trainSeconds: trained.seconds, evaluationSeconds: elapsed())
            } else {
                let metrics = FullRankingProtocol(k: s.k, batchSize: s.batchSize)
                    .evaluate(model, split: partition, genres: genres, progress: ProgressReporter("evaluating \(kind)", total: 0))
                for warning in metrics.warnings { logger.warning("\(kind): \(warning)") }
                results[kind.rawValue] = .full(metrics, trainSeconds: trained.seconds, evaluationSeconds: elapsed())
                if let maxK = request.curveMaxK {
                    curves[kind.rawValue] = FullRankingProtocol(k: s.k, batchSize: s.batchSize).curves(
                        model, train: partition.train, test: partition.test, maxK: maxK,
                        progress: ProgressReporter("NDCG@K and Recall@K of \(kind)", total: 0))
                }
            }
            if let check = request.retrieval, let vectors = try trained.model.retrievalModel() {
                logger.info("serving \(kind) through the retrieval pipeline")
                let parts = RetrievalParts(kind: kind, vectors: vectors, split: partition, config: config, k: s.k, check: check)
                retrievalRows += try parts.lossRows(logger: logger)
                if check.foldIn { foldIns.append(try parts.foldIn()) }
            }
        }
        var report = EvaluationReport(
            dataset: counts, split: partition.kind.name, k: s.k, protocol: s.protocol.rawValue, negatives: loo ? s.negatives : nil,
            models: results, order: s.models.map(\.rawValue), retrieval: request.retrieval == nil ? nil : retrievalRows,
            foldIn: request.retrieval?.foldIn == true ? foldIns : nil, splitDescription: partition.kind.description, dataName: dataName)
        if request.curveMaxK != nil && !loo { report.curves = curves }
        return report
    }
}

/// One trained model served through the two-stage pipeline on a split: the ANN loss and the fold-in.
private struct RetrievalParts {
    let kind: ModelKind
    let vectors: RetrievalModel
    let split: Split
    let config: MarqueeConfig
    let k: Int
    let check: EvaluationRequest.RetrievalCheck

    func options(candidates: Int) -> RetrievalOptions {
        let r = config.retrieval
        // Explanations are off: the timings measure retrieval and re-ranking.
        return RetrievalOptions(candidates: candidates, ef: r.ef, scorer: r.scorer == .dot ? kind.capabilities.defaultReranker : r.scorer,
                                popularityWeight: r.popularityWeight, minInteractions: r.minInteractions, explain: 0)
    }

    func exactPipeline(candidates: Int) throws -> RecommendationPipeline {
        try RecommendationPipeline(model: vectors, retriever: ExactRetriever(itemVectors: vectors.itemVectors, dimension: vectors.factors),
                                   training: split.train, options: options(candidates: candidates))
    }

    func lossRows(logger: Logger) throws -> [RetrievalLossRow] {
        let sweep = check.hnsw ? (check.efValues ?? [config.retrieval.ef]) : []
        var hnsw: HNSWRetriever? = nil
        if !sweep.isEmpty {
            let start = Date()
            hnsw = try HNSWRetriever.build(itemVectors: vectors.itemVectors, dimension: vectors.factors, ef: config.retrieval.ef,
                                           parameters: HNSWIndex.Parameters(m: config.hnsw.m, efConstruction: config.hnsw.efConstruction,
                                                                            mipsStrategy: .graph),
                                           threads: Threads.count)
            logger.info("built the \(kind) item index (\(vectors.itemCount) items) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        }
        var rows: [RetrievalLossRow] = []
        for n in check.candidateCounts ?? [config.retrieval.candidates] {
            let exact = try exactPipeline(candidates: n)
            rows += try RetrievalLossEvaluation(k: k, maxUsers: check.maxUsers).evaluate(
                exact: exact, hnsw: { ef in exact.replacing(retriever: hnsw!.with(ef: ef)) }, efValues: sweep, test: split.test,
                progress: ProgressReporter("serving \(kind) through the pipeline", total: 0))
        }
        return rows
    }

    func foldIn() throws -> FoldInEvaluation.Result {
        try FoldInEvaluation(k: k, maxUsers: check.maxUsers).evaluate(exactPipeline(candidates: config.retrieval.candidates), test: split.test,
                                                                      progress: ProgressReporter("fold-in of \(kind)", total: 0))
    }
}
