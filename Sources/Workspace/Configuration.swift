import Foundation
import Models
import Retrieval
import Simulation
import VectorSearch

/// How test positives are held out (`evaluation.split`, `--split`).
public enum SplitKind: String, Codable, Sendable, CaseIterable {
    /// Per user, a seeded random fraction of the positives.
    case random
    /// Per user, the latest positives by timestamp.
    case leaveLast = "leave-last"
    /// Globally, the positives after a quantile of all timestamps.
    case time
}

/// How models are ranked in `evaluate` (`evaluation.protocol`, `--protocol`).
public enum EvaluationProtocolKind: String, Codable, Sendable, CaseIterable {
    /// Rank every item the user has not rated: Precision, Recall, NDCG, HitRate, MAP, MRR, coverage at K.
    case full
    /// He et al. (2017): each user's latest positive among sampled unrated movies (HR@K, NDCG@K).
    case looSampled = "loo-sampled"
}

/// Every setting of `config.yaml`, over its defaults.
///
/// Keys in the file are snake_case (`models_dir`, `test_fraction`). Loading lays the file over the
/// defaults, refuses a key Marquee does not know by name, and checks every value with the rule its flag
/// uses (`MarqueeConfig.rules`): a value set by a flag is applied with `set(_:_:flag:)`, so one check
/// serves both and its error names where the value came from.
public struct MarqueeConfig: Codable, Sendable, Equatable {
    /// Where the ratings are and how they are read (`data:`).
    public struct DataSection: Codable, Sendable, Equatable {
        /// The dataset folder.
        public var path = "Data/ml-latest-small"
        /// A rating at or above this is a positive.
        public var threshold: Float = 4.0
        /// Skip malformed lines (and count them) instead of stopping.
        public var skipBadLines = false
        /// Load the binary dataset cache when it is current.
        public var useCache = true
        public init() {}
    }
    /// Where artefacts live (`paths:`).
    public struct PathsSection: Codable, Sendable, Equatable {
        /// Artefacts go to `<models_dir>/<dataset folder name>/`.
        public var modelsDir = "Indexes"
        public init() {}
    }
    /// `marquee evaluate` (`evaluation:`).
    public struct EvaluationSection: Codable, Sendable, Equatable {
        public var split = SplitKind.random
        /// random split: fraction of each user's positives held out, in (0, 1).
        public var testFraction = 0.2
        /// leave-last split: latest positives held out per user.
        public var leaveLast = 1
        /// time split: quantile of all timestamps after which positives are test, in (0, 1).
        public var timeCut: Double = 0.8
        /// Seed of the split, the sampled negatives and the models.
        public var seed: UInt64 = 42
        /// Cut-off K of the metrics.
        public var k = 10
        /// Models evaluated side by side.
        public var models: [ModelKind] = [.popularity]
        public var `protocol` = EvaluationProtocolKind.full
        /// loo-sampled: unrated movies sampled per user.
        public var negatives = 100
        /// Users scored together in one batch.
        public var batchSize = 64
        public init() {}
    }
    /// Implicit-feedback ALS (`als:`).
    public struct ALSSection: Codable, Sendable, Equatable {
        public var factors = 32
        public var regularization: Float = 20
        public var alpha: Float = 5
        public var iterations = 15
        public var solver = ALSConfiguration.Solver.conjugateGradient
        public var cgSteps = 3
        public var confidence = ALSConfiguration.Confidence.binary
        public var seed: UInt64 = 42
        public init() {}
    }
    /// Our HNSW index (`hnsw:`).
    public struct HNSWSection: Codable, Sendable, Equatable {
        public var m = 16
        public var efConstruction = 200
        public var efSearch = 64
        public var metric = Metric.cosine
        public init() {}
    }
    /// Neural Collaborative Filtering (`ncf:`).
    public struct NCFSection: Codable, Sendable, Equatable {
        public var factors = 8
        public var layers = [64, 32, 16, 8]
        public var epochs = 20
        public var batchSize = 256
        public var learningRate: Float = 0.001
        public var negatives = 4
        public var regularization: Float = 0
        public var seed: UInt64 = 42
        public var patience = 3
        public var validation = true
        public var validationUsers = 1000
        public var alpha: Float = 0.5
        public init() {}
    }
    /// The two-stage recommender (`retrieval:`).
    public struct RetrievalSection: Codable, Sendable, Equatable {
        public var candidates = 100
        public var ef = 100
        /// The re-ranker; `dot` means "the model's own" (NeuMF re-ranks with itself).
        public var scorer = RerankScorer.dot
        public var popularityWeight: Float = 0.1
        public var minInteractions = 1
        public var explain = 3
        public init() {}
    }

    /// `marquee simulate` (`simulation:`): the logged ratings after a time cut replayed as a live stream.
    public struct SimulationSection: Codable, Sendable, Equatable {
        /// Quantile of all timestamps where the stream starts (the `time` split's cut), in (0, 1).
        public var timeCut: Double = 0.8
        /// Candidates per event: the logged movie and N − 1 unseen movies, or `all` unseen movies.
        public var pool = PoolSize.sampled(100)
        /// Movies shown per event.
        public var slate = 10
        /// Policies replayed side by side (see `PolicySpec`).
        public var policies = SimulationSection.defaultPolicies
        /// One replay per seed.
        public var seeds: [UInt64] = [1]
        /// The policy every other is compared with, event by event.
        public var control = "popularity"
        /// Events per window of the series (0: about 100 windows).
        public var window = 0
        /// ε of the ε-greedy bandit over arms (`egreedy:`).
        public var armEpsilon = 0.1
        /// ε of the item-level learner `item-egreedy`.
        public var banditEpsilon = 0.1
        /// τ of `X+epsE/decay`: ε·τ/(τ + t) at the t-th event.
        public var decayEvents = 10_000
        /// ε of the logging policy (ε-greedy over popularity) of the off-policy estimates.
        public var opeEpsilon = 0.1

        /// The default list: 16 policies.
        public static let defaultPolicies = [
            "random", "popularity", "als", "neumf", "online-popularity", "online-popularity-warm", "als-online", "item-egreedy",
            "popularity+eps0.1", "als+eps0.1", "als+eps0.1/decay", "als-online+eps0.1", "ab:popularity:als",
            "egreedy:popularity:als:neumf", "ucb1:popularity:als:neumf", "thompson:popularity:als:neumf",
        ]
        public init() {}

        /// The library's settings of this section.
        public func settings(threads: Int) -> SimulationSettings {
            var s = SimulationSettings()
            s.pool = pool; s.slate = slate; s.seeds = seeds; s.control = control; s.window = window
            s.armEpsilon = armEpsilon; s.banditEpsilon = banditEpsilon; s.decayEvents = decayEvents; s.opeEpsilon = opeEpsilon
            s.threads = threads
            return s
        }
    }

    /// `marquee report` (`report:`).
    public struct ReportSection: Codable, Sendable, Equatable {
        /// The models of the Models section, in colour order.
        public var models: [ModelKind] = [.popularity, .als, .gmf, .neumf]
        /// The curves NDCG@K and Recall@K run over K = 1…max_k.
        public var maxK = 50
        /// HNSW search widths of the vector-search figures.
        public var ef = [10, 20, 40, 80, 160, 320]
        /// Movies queried in the recall-against-speed sweep.
        public var queries = 1000
        /// Test users served through the two-stage pipeline per ef (0: all).
        public var pipelineUsers = 500
        public init() {}
    }

    /// `marquee serve` (`server:`).
    public struct ServerSection: Codable, Sendable, Equatable {
        /// The address to listen on (loopback by default; `0.0.0.0` for every interface).
        public var host = "127.0.0.1"
        /// The TCP port (0: any free port, said in the log).
        public var port = 8080
        /// The largest request body accepted; a larger one gets 413.
        public var maxBodyBytes = 65_536
        /// The bearer token `POST /api/v1/admin/reload` requires; empty disables the route (the
        /// environment's `MARQUEE_ADMIN_TOKEN` overrides it).
        public var adminToken = ""
        /// The models served (loaded, or trained and indexed, at start and on each reload).
        public var models: [ModelKind] = [.als]
        /// Log one line per request (method, path, status, milliseconds).
        public var accessLog = true
        public init() {}
    }

    public var data = DataSection()
    public var paths = PathsSection()
    public var evaluation = EvaluationSection()
    public var hnsw = HNSWSection()
    public var als = ALSSection()
    public var ncf = NCFSection()
    public var retrieval = RetrievalSection()
    public var simulation = SimulationSection()
    public var server = ServerSection()
    public var report = ReportSection()

    /// Where each value that is not a default came from, by key (`hnsw.m` → `--m` or `config.yaml`).
    public internal(set) var origins: [String: String] = [:]

    enum CodingKeys: String, CodingKey { case data, paths, evaluation, hnsw, als, ncf, retrieval, simulation, report, server }

    /// The defaults.
    public init() {}

    public static func == (a: MarqueeConfig, b: MarqueeConfig) -> Bool {
        a.data == b.data && a.paths == b.paths && a.evaluation == b.evaluation && a.hnsw == b.hnsw && a.als == b.als
            && a.ncf == b.ncf && a.retrieval == b.retrieval && a.simulation == b.simulation && a.server == b.server && a.report == b.report
    }

    /// Sets the value at `keyPath` from a command-line flag (nothing when `value` is nil) and remembers
    /// the flag, so that `validate()` names it.
    public mutating func set<T>(_ keyPath: WritableKeyPath<MarqueeConfig, T>, _ value: T?, flag: String) {
        guard let value else { return }
        self[keyPath: keyPath] = value
        if let rule = Self.rules.first(where: { $0.keyPath == keyPath as AnyKeyPath }) { origins[rule.key] = flag }
    }

    /// Checks every value against its rule.
    /// - Throws: `ConfigError.outOfRange` for the first value that breaks one, naming its flag or file.
    public func validate() throws {
        for rule in Self.rules {
            if let problem = rule.check(self) {
                throw ConfigError.outOfRange(key: rule.key, origin: origins[rule.key], problem: problem)
            }
        }
    }
}

/// A problem with the configuration (the file or a flag's value).
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    /// The file cannot be found or read.
    case unreadable(path: String, reason: String)
    /// The file is not YAML, or not sections of keys.
    case malformed(path: String, reason: String)
    /// A key Marquee does not know (a typo never passes silently).
    case unknownKey(path: String, key: String, known: [String])
    /// A value of the wrong type or not one of the allowed names.
    case badValue(path: String, key: String, reason: String)
    /// A value outside its range; `origin` is the flag or file it came from.
    case outOfRange(key: String, origin: String?, problem: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "config file \(path): \(reason)"
        case let .malformed(path, reason): return "config file \(path): \(reason)"
        case let .unknownKey(path, key, known):
            return "config file \(path): unknown key '\(key)' (known here: \(known.joined(separator: ", ")))"
        case let .badValue(path, key, reason): return "config file \(path): \(key): \(reason)"
        case let .outOfRange(key, origin, problem):
            guard let origin else { return "\(key) \(problem)" }
            return origin.hasPrefix("-") ? "\(origin) \(problem)" : "config file \(origin): \(key) \(problem)"
        }
    }
}
