import Dataset
import Evaluation
import Foundation
import Support
import VectorSearch

/// What `marquee report` measures: the models side by side under both protocols, the K sweep, the
/// vector-search trade-off, and which saved simulation to show.
public struct ReportRequest: Sendable {
    /// The models of the Models section, in colour order (default: popularity, ALS, GMF, NeuMF).
    public var models: [ModelKind]
    /// The largest K of the NDCG@K and Recall@K curves (1…maxK).
    public var maxK: Int
    /// The HNSW search widths of the vector-search sweep and of NDCG with HNSW retrieval.
    public var efValues: [Int]
    /// Item queries of the recall-against-speed sweep (evenly spaced over the indexed movies).
    public var annQueries: Int
    /// Test users served through the two-stage pipeline per ef (evenly spaced; nil: all).
    public var retrievalUsers: Int?
    /// Also evaluate under the leave-one-out sampled protocol.
    public var sampledProtocol: Bool

    /// The settings of the `report:` section.
    public init(_ section: MarqueeConfig.ReportSection) {
        self.init(models: section.models, maxK: section.maxK, efValues: section.ef, annQueries: section.queries,
                  retrievalUsers: section.pipelineUsers == 0 ? nil : section.pipelineUsers)
    }

    /// The defaults: the four models, K up to 50, ef 10…320, 1,000 queries, 500 pipeline users, both
    /// protocols.
    public init(models: [ModelKind] = [.popularity, .als, .gmf, .neumf], maxK: Int = 50, efValues: [Int] = [10, 20, 40, 80, 160, 320],
                annQueries: Int = 1000, retrievalUsers: Int? = 500, sampledProtocol: Bool = true) {
        self.models = models
        self.maxK = maxK
        self.efValues = efValues
        self.annQueries = annQueries
        self.retrievalUsers = retrievalUsers
        self.sampledProtocol = sampledProtocol
    }
}

/// Recall@10 of the HNSW index against exact search over the item vectors of one model, with the
/// throughput of each, one query at a time on one thread.
public struct VectorSearchSweep: Sendable, Equatable, Codable {
    /// One search width.
    public struct Point: Sendable, Equatable, Codable {
        public var ef: Int
        /// Share of returned neighbours at most as far as the exact k-th nearest (ties count as found).
        public var recall: Double
        /// Queries per second.
        public var qps: Double
    }
    /// The model whose item vectors are indexed.
    public var model: String
    /// `cosine` (the metric of `similar`).
    public var metric: String
    /// Movies in the index.
    public var items: Int
    /// Queries timed (each an indexed movie, itself left out of its neighbours).
    public var queries: Int
    /// Neighbours compared per query.
    public var k: Int
    /// The exact scan's queries per second.
    public var exactQPS: Double
    /// One point per ef, ascending.
    public var points: [Point]

    enum CodingKeys: String, CodingKey { case model, metric, items, queries, k, exactQPS = "exact_qps", points }
}

/// Everything `marquee report` shows, and the shape of its `report.json`:
/// `{"data":{DatasetAnalysis},"evaluation":{evaluate --json, with "curves" and "retrieval"},
/// "evaluation_sampled":{…},"vector_search":{…},"simulation":{the saved simulate --json}|null,
/// "findings":[…],"models":[…],"marquee_version":…,"seconds":…}`.
public struct Report: Sendable, Encodable {
    /// The dataset folder's name.
    public var dataName: String
    /// The models, in colour order.
    public var models: [String]
    /// Counts, long tail, Lorenz curve, activity, time.
    public var data: DatasetAnalysis
    /// The full-ranking evaluation (with K curves and the retrieval rows).
    public var evaluation: EvaluationReport
    /// The loo-sampled evaluation (nil when not asked for).
    public var evaluationSampled: EvaluationReport?
    /// Recall against speed of the first model with vectors (nil when none has).
    public var vectorSearch: VectorSearchSweep?
    /// The latest saved simulation (`marquee simulate`), as it was saved.
    public var simulation: SimulationSummary?
    /// Sentences computed from the numbers above.
    public var findings: [String]
    /// Wall time of the whole report.
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case models, data, evaluation, evaluationSampled = "evaluation_sampled", vectorSearch = "vector_search", simulation, findings
        case seconds, marqueeVersion = "marquee_version", dataName = "dataset"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dataName, forKey: .dataName)
        try c.encode(models, forKey: .models)
        try c.encode(data, forKey: .data)
        try c.encode(evaluation, forKey: .evaluation)
        try c.encodeIfPresent(evaluationSampled, forKey: .evaluationSampled)
        try c.encodeIfPresent(vectorSearch, forKey: .vectorSearch)
        if let simulation { try c.encode(simulation, forKey: .simulation) } else { try c.encodeNil(forKey: .simulation) }
        try c.encode(findings, forKey: .findings)
        try c.encode(MarqueeVersion.current, forKey: .marqueeVersion)
        try c.encode(seconds, forKey: .seconds)
    }
}

extension Workspace {
    /// Measures everything the report shows: the dataset analysis (with the time split's cut), every
    /// model of `request` under the full-ranking protocol (NDCG@K and Recall@K for K = 1…maxK, NDCG
    /// through the two-stage pipeline with exact and HNSW candidates per ef) and the loo-sampled one,
    /// the recall-against-speed sweep of the index of the first model with vectors, the latest saved
    /// simulation, and the findings.
    /// - Throws: evaluation, training and file errors.
    public func report(_ request: ReportRequest = ReportRequest()) throws -> Report {
        guard !request.models.isEmpty else { throw WorkspaceError.invalid("the report needs at least one model") }
        guard (1...1000).contains(request.maxK) else { throw WorkspaceError.invalid("the largest K of the curves must be in 1…1000, got \(request.maxK)") }
        guard !request.efValues.isEmpty, request.efValues.allSatisfy({ (1...100_000).contains($0) }) else {
            throw WorkspaceError.invalid("every ef of the sweep must be in 1…100000")
        }
        guard (1...1_000_000).contains(request.annQueries) else { throw WorkspaceError.invalid("queries of the sweep must be in 1…1000000") }
        let start = Date()
        logger.info("report: analysing \(datasetName)")
        let analysis = try DatasetAnalysis(interactions, catalog: catalog, timeCutQuantile: config.evaluation.timeCut)

        var sampled: EvaluationReport? = nil
        if request.sampledProtocol {
            var settings = config.evaluation
            settings.models = request.models
            settings.protocol = .looSampled
            logger.info("report: the loo-sampled protocol")
            sampled = try evaluate(EvaluationRequest(settings: settings))
        }
        var settings = config.evaluation
        settings.models = request.models
        settings.protocol = .full
        var full = EvaluationRequest(settings: settings,
                                     retrieval: .init(hnsw: true, efValues: request.efValues, maxUsers: request.retrievalUsers))
        full.curveMaxK = request.maxK
        logger.info("report: the full-ranking protocol")
        // Last, so that the saved `evaluation.json` is this full-ranking evaluation.
        let evaluation = try evaluate(full)

        var sweep: VectorSearchSweep? = nil
        if let kind = request.models.first(where: { $0.capabilities.hasVectors }) {
            logger.info("report: recall against speed of the \(kind) index")
            sweep = try vectorSearchSweep(kind, efValues: request.efValues, queries: request.annQueries)
        }
        let simulation = store.latestReport(.simulation).flatMap { try? SimulationSummary(json: $0) }
        var report = Report(dataName: datasetName, models: request.models.map(\.rawValue), data: analysis, evaluation: evaluation,
                            evaluationSampled: sampled, vectorSearch: sweep, simulation: simulation, findings: [], seconds: 0)
        report.findings = ReportFindings.sentences(report)
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Recall@10 of the `kind` index (cosine, as `similar` searches it) against the exact scan of the same
    /// vectors, per ef, one query at a time on one thread.
    /// - Throws: `WorkspaceError.noVectors`, loading and building errors.
    public func vectorSearchSweep(_ kind: ModelKind, efValues: [Int], queries: Int, k: Int = 10) throws -> VectorSearchSweep {
        let index = try self.index(kind, metric: .cosine)
        let ids = index.ids.sorted()
        let dimension = index.dimension
        var values: [Float] = []
        values.reserveCapacity(ids.count * dimension)
        for id in ids { values += index.vector(of: id) ?? [Float](repeating: 0, count: dimension) }
        let exact = FlatIndex(vectors: Matrix(rows: ids.count, columns: dimension, values: values), ids: ids, metric: .cosine)
        let count = min(queries, ids.count)
        guard count > 0 else { throw WorkspaceError.invalid("the \(kind) index is empty") }
        let queryRows = (0..<count).map { $0 * ids.count / count }
        func neighbours(_ found: [Neighbor], of id: Int) -> [Neighbor] { Array(found.lazy.filter { $0.id != id }.prefix(k)) }

        // Recall counts a returned movie as right when it is at most as far as the exact k-th neighbour
        // (ann-benchmarks' rule): many movies share one vector (those liked by the same single user), so
        // "the" exact top 10 is an arbitrary pick among ties, and id overlap would understate recall.
        var kth: [Float] = []
        kth.reserveCapacity(count)
        var clock = DispatchTime.now().uptimeNanoseconds
        for row in queryRows {
            let query = Array(values[(row * dimension)..<((row + 1) * dimension)])
            kth.append(neighbours(try exact.search(query, k: k + 1), of: ids[row]).last?.distance ?? .infinity)
        }
        let exactSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
        var points: [VectorSearchSweep.Point] = []
        for ef in efValues.sorted() {
            var found = 0
            clock = DispatchTime.now().uptimeNanoseconds
            for (q, row) in queryRows.enumerated() {
                let query = Array(values[(row * dimension)..<((row + 1) * dimension)])
                let got = neighbours(try index.search(query, k: k + 1, ef: max(ef, k + 1)), of: ids[row])
                found += got.reduce(0) { $0 + ($1.distance <= kth[q] + 1e-5 ? 1 : 0) }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
            points.append(.init(ef: ef, recall: Double(found) / Double(count * max(1, min(k, ids.count - 1))),
                                qps: Double(count) / max(seconds, 1e-9)))
        }
        return VectorSearchSweep(model: kind.rawValue, metric: Metric.cosine.rawValue, items: ids.count, queries: count, k: k,
                                 exactQPS: Double(count) / max(exactSeconds, 1e-9), points: points)
    }
}

/// What the report reads from a saved simulation (`marquee simulate --json`): each policy's CTR and the
/// offline figures of the static models, plus the whole object as saved.
public struct SimulationSummary: Sendable, Encodable {
    /// One policy's online result.
    public struct Policy: Sendable, Equatable {
        public var name: String
        public var ctr: Double
        public var ctrLow: Double?
        public var ctrHigh: Double?
        public var events: Int?
    }
    /// The policies, best CTR first.
    public var policies: [Policy]
    /// Offline NDCG@10 of the static models on the streamed period, best first.
    public var offline: [(model: String, ndcg: Double)]
    /// The candidate pool size (`"all"` or a number), as the simulation's config says.
    public var pool: String?
    /// The object as saved, re-encoded whole in `report.json`.
    private let raw: JSONValue

    /// Reads the parts the report needs; the rest is kept as is.
    /// - Throws: `WorkspaceError.invalid` when the JSON is not an object with `policies`.
    public init(json: Data) throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: json)
        guard case let .object(top) = value, case let .object(policies)? = top["policies"] else {
            throw WorkspaceError.invalid("the saved simulation has no \"policies\" object")
        }
        raw = value
        self.policies = policies.compactMap { name, value -> Policy? in
            guard case let .object(p) = value, let ctr = p["ctr"]?.number else { return nil }
            return Policy(name: name, ctr: ctr, ctrLow: p["ctr_low"]?.number, ctrHigh: p["ctr_high"]?.number,
                          events: p["events"]?.number.map { Int($0) })
        }.sorted { $0.ctr > $1.ctr || ($0.ctr == $1.ctr && $0.name < $1.name) }
        if case let .object(offline)? = top["offline"] {
            self.offline = offline.compactMap { model, value -> (String, Double)? in
                guard case let .object(o) = value, let ndcg = o["ndcg"]?.number else { return nil }
                return (model, ndcg)
            }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        } else {
            offline = []
        }
        if case let .object(config)? = top["config"], let pool = config["pool"] {
            switch pool {
            case let .string(s): self.pool = s
            case let .number(n): self.pool = String(Int(n))
            default: self.pool = nil
            }
        } else {
            pool = nil
        }
    }

    public func encode(to encoder: Encoder) throws { try raw.encode(to: encoder) }
}
